"""Untrusted picture bytes → a small WebP, or a refusal; pure (no I/O beyond decoding the bytes given).

Upstream pictures are input from strangers: only PNG, JPEG, WebP and GIF are decoded, their declared size is
checked before a single pixel is (a 100 000 × 100 000 PNG of a few kilobytes must not take the memory it
promises), and anything Pillow cannot read is refused rather than raised. Thumbnails keep their shape at
640 px wide at most; avatars become 96 px squares, cropped about the centre.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
MAX_PIXELS = 40_000_000  # a 8000 × 5000 picture; upstream thumbnails are about 1200 × 650
MAX_SIDE = 16_000
THUMB_WIDTH = 640
THUMB_MAX_HEIGHT = 960  # taller pictures are cropped from the top: the grid shows the top anyway
AVATAR_SIZE = 96
QUALITY = 80


class PictureRefused(ValueError):
    """Not a picture we accept; the message says why."""


@dataclass(frozen=True, slots=True)
class Picture:
    data: bytes
    width: int
    height: int

    @property
    def name(self) -> str:
        """Content-addressed, so the URL of a copy never changes meaning and may be cached for ever."""
        return hashlib.sha256(self.data).hexdigest()[:32] + ".webp"


def _open(raw: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureRefused(f"over the pixel limit: {exc}") from None
    except UnidentifiedImageError:
        raise PictureRefused("not a PNG, JPEG, WebP or GIF picture") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise PictureRefused(f"unreadable picture: {exc}") from None
    width, height = image.size
    if width < 1 or height < 1 or width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        image.close()
        raise PictureRefused(f"{width} × {height} pixels is over the pixel limit")
    return image


def _decoded(image: Image.Image, target: tuple[int, int]) -> Image.Image:
    """The first frame, decoded (JPEGs at a reduced scale near ``target``), as RGB or RGBA."""
    try:
        if image.format == "JPEG":
            image.draft("RGB", target)
        image.seek(0)
        image.load()
        image = ImageOps.exif_transpose(image) or image
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PictureRefused(f"unreadable picture: {exc}") from None
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    return image.convert("RGBA" if has_alpha else "RGB")


def _webp(image: Image.Image) -> Picture:
    out = io.BytesIO()
    image.save(out, "WEBP", quality=QUALITY, method=4)
    return Picture(out.getvalue(), image.width, image.height)


def thumbnail(raw: bytes) -> Picture:
    with _open(raw) as image:
        width = min(THUMB_WIDTH, image.width)
        height = max(1, round(image.height * width / image.width))
        frame = _decoded(image, (width, height))
    if frame.size != (width, height):
        frame = frame.resize((width, height), Image.Resampling.LANCZOS)
    if frame.height > THUMB_MAX_HEIGHT:
        frame = frame.crop((0, 0, frame.width, THUMB_MAX_HEIGHT))
    return _webp(frame)


def avatar(raw: bytes) -> Picture:
    with _open(raw) as image:
        frame = _decoded(image, (AVATAR_SIZE, AVATAR_SIZE))
    return _webp(ImageOps.fit(frame, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS))


def prepare(raw: bytes, kind: str) -> Picture:
    """``kind`` is ``thumbnail`` or ``avatar``."""
    return thumbnail(raw) if kind == "thumbnail" else avatar(raw)
