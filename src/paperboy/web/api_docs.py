"""``/api/docs``: Swagger UI for the JSON API, entirely from our own origin and under our CSP.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script; the CSP blocks both
(and a self-hosted site should not make its readers' browsers call a third party). Here the files come from
the ``fastapi-offline`` package on PyPI, mounted under ``ASSETS`` with their version in the URL so browsers
keep them, and the start-up lives in ``static/api-docs.js``.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from paperboy.web.render import render

SWAGGER_UI = Path(fastapi_offline.__file__).with_name("static")
ASSETS = "/api/docs/assets"
router = APIRouter(include_in_schema=False)


def asset_url(name: str) -> str:
    return f"{ASSETS}/{name}?v={version('fastapi-offline')}"


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    context = {
        "openapi_url": request.app.openapi_url,
        "swagger_css": asset_url("swagger-ui.css"),
        "swagger_js": asset_url("swagger-ui-bundle.js"),
    }
    return render(request, "api_docs.html", context, public=True)
