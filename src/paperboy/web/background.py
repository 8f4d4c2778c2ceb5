"""Work a page starts but the visitor must not wait for (or be able to time): account mails."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import Response
from starlette.background import BackgroundTask


def run_after(response: Response, job: Callable[[], object] | None) -> Response:
    """Run ``job`` once the answer has gone out (see ``auth.account_mail`` for why)."""
    if job is not None:
        response.background = BackgroundTask(job)
    return response
