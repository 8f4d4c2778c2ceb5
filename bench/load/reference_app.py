"""The reference server of bench/load.py: paperboy's own home-page bytes served from memory by bare Starlette.

It answers every GET with the same bytes paperboy sent for ``/`` (read once from the file named by
``PAPERBOY_LOAD_REFERENCE_BODY``), so the ratio paperboy / reference measures what paperboy's own work costs
on top of uvicorn, HTTP parsing and moving the same number of bytes, on the same machine and load generator.

    python bench/load/reference_app.py --port 18100 --workers 1
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = Path(os.environ.get("PAPERBOY_LOAD_REFERENCE_BODY", os.devnull)).read_bytes()


async def page(request: Request) -> Response:
    return Response(BODY, media_type="text/html; charset=utf-8")


app = Starlette(routes=[Route("/{path:path}", page)])


def main() -> None:
    """Run under uvicorn with the options ``paperboy serve`` uses, so only the application differs.

    Both take them from ``paperboy.server.uvicorn_options``.
    """
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    from paperboy.config import get_settings
    from paperboy.server import uvicorn_options

    uvicorn.run(
        "reference_app:app",
        app_dir=str(Path(__file__).resolve().parent),
        host=args.host,
        port=args.port,
        workers=args.workers,
        **uvicorn_options(get_settings()),
    )


if __name__ == "__main__":
    main()
