"""Log lines as text (the default) or, with ``PAPERBOY_LOG_FORMAT=json``, one JSON object per line.

A JSON line always has ``time`` (UTC, ISO 8601), ``level``, ``logger`` and ``message``; whatever a caller
passes in ``extra`` (the access log's ``method``, ``path``, ``status``, ``duration_ms``) and the id of the
request being served (``request_id``, also for lines its handler logs on a worker thread: anyio copies the
context into the thread) come along, and a traceback is one ``exception`` string. A formatter this small is
clearer than a dependency; ``json.dumps`` does the escaping.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("paperboy_request_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_PLAIN = logging.LogRecord("", 0, "", 0, "", None, None)
_STANDARD = set(vars(_PLAIN)) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            line["request_id"] = request_id
        line.update((key, value) for key, value in vars(record).items() if key not in _STANDARD)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure(log_format: str, level: int = logging.INFO) -> None:
    """The CLI's logging: every command (``serve``, ``worker``, ``embed``...) in the chosen format."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])


def uvicorn_log_config(log_format: str) -> dict[str, Any] | None:
    """uvicorn's own logging in JSON too (each worker process applies it); None keeps uvicorn's default."""
    if log_format != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "paperboy.ops.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"level": "INFO"},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"level": "INFO"},
        },
    }
