"""``python -m paperboy`` is the same as the ``paperboy`` command."""

from paperboy.cli import run

run()
