"""ASGI entry point for uvicorn and other servers (``paperboy.asgi:app``)."""

from paperboy.server import create_app

app = create_app()
