"""Initials avatars drawn as tiny SVGs: what a person or organization without a stored picture looks like.

The same name always gives the same letters and colour, so a reader learns them; the URL holds both
(``/media/initials/<shade>/<letters>.svg``), so one file serves every "GD" in that colour and is cached for
ever. Only letters and digits are drawn, escaped for XML, and never more than two.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote
from xml.sax.saxutils import escape

# (background, letters) pairs that read on both our light and dark pages.
SHADES = (
    ("#fde2cf", "#9a3412"),
    ("#dbeafe", "#1e40af"),
    ("#dcfce7", "#166534"),
    ("#f3e8ff", "#6b21a8"),
    ("#fef3c7", "#92400e"),
    ("#ffe4e6", "#9f1239"),
    ("#ccfbf1", "#115e59"),
    ("#e0e7ff", "#3730a3"),
)


def letters(name: str | None) -> str:
    """``Google DeepMind`` → ``GD``; ``tencent`` → ``T``; ``ByteDance-Seed`` → ``BS``; nothing → ``?``."""
    words = "".join(c if c.isalnum() else " " for c in (name or "")).split()
    picked = "".join(w[0] for w in words[:2]).upper()
    return picked or "?"


def shade(name: str | None) -> int:
    return hashlib.sha1((name or "").strip().lower().encode()).digest()[0] % len(SHADES)


def url(name: str | None) -> str:
    return f"/media/initials/{shade(name)}/{quote(letters(name), safe='')}.svg"


def valid(shade_no: int, text: str) -> bool:
    return 0 <= shade_no < len(SHADES) and (text == "?" or (0 < len(text) <= 2 and text.isalnum()))


def svg(shade_no: int, text: str) -> bytes:
    background, ink = SHADES[shade_no]
    size = 30 if len(text) > 1 else 34
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        f'<rect width="64" height="64" fill="{background}"/>'
        f'<text x="32" y="32" dy="0.35em" text-anchor="middle" fill="{ink}" font-size="{size}" '
        'font-weight="600" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif">'
        f"{escape(text)}</text></svg>"
    ).encode()
