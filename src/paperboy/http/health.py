"""``/healthz`` (the process answers) and ``/readyz`` (it can serve readers well) for load balancers.

Ready means: the database answers, its schema is the one this code needs, and search has its indexes and
query model loaded. Until then the site still answers (search by words only, saying so), but a balancer
should send readers to a host that is ready.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from paperboy.store.migrate import current_revision, head_revision

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


def _database_checks(request: Request) -> dict[str, str]:
    try:
        current = current_revision(request.app.state.engine)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return {"database": f"unreachable: {str(exc).splitlines()[0][:200]}"}
    head = head_revision()
    schema = "ok" if current == head else f"at {current or 'empty'}, code needs {head}"
    return {"database": "ok", "schema": schema}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    checks = await run_in_threadpool(_database_checks, request)
    warm = getattr(request.app.state, "warm_up", None)
    checks["search"] = warm.status if warm is not None else "not started"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"ready": ready, "checks": checks},
        status_code=200 if ready else 503,
        headers={"Cache-Control": "no-store"},
    )
