"""Real picture bytes made with Pillow for the picture tests (no network, no files kept): ordinary ones of
each accepted format, and hostile ones (a PNG that claims to be huge, bytes that are not a picture)."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime

from PIL import Image, ImageDraw
from sqlalchemy.engine import Engine

from paperboy.media.resize import prepare
from paperboy.store import images as picture_store


def picture(width: int, height: int, fmt: str = "PNG", colour: str = "#2563eb") -> bytes:
    """A picture with a shape on it (so a resize has something to keep), as ``fmt`` bytes."""
    image = Image.new("RGB", (width, height), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 8, height // 8, width * 7 // 8, height * 7 // 8), fill=colour)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def animated_gif(width: int = 120, height: int = 80) -> bytes:
    frames = [Image.new("RGB", (width, height), c) for c in ("#dc2626", "#16a34a", "#2563eb")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def claims_to_be(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header says it is ``width`` × ``height``: decoding it as it claims would take
    width × height × 3 bytes of memory (a decompression bomb), so it must be refused on the header."""
    data = bytearray(picture(1, 1))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17])) & 0xFFFFFFFF
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def dimensions(data: bytes) -> tuple[int, int, str]:
    with Image.open(io.BytesIO(data)) as image:
        return image.width, image.height, image.format or ""


def store_copies(engine: Engine, pictures: Iterable[tuple[str, str, bytes]]) -> None:
    """Store (url, kind, raw bytes) as if the fetcher had copied them: resized and saved as ``stored``."""
    outcomes = []
    for url, kind, raw in pictures:
        copy = prepare(raw, kind)
        outcomes.append(
            picture_store.Outcome(
                url, kind, "stored", datetime.now(UTC), copy.name, copy.data, copy.width, copy.height
            )
        )
    with engine.begin() as conn:
        picture_store.save(conn, outcomes)
