"""Untrusted picture bytes become small WebP copies, or are refused with a reason; nothing else is raised."""

from __future__ import annotations

import pytest

from paperboy.media.resize import PictureRefused, prepare
from tests.media.pictures import animated_gif, claims_to_be, dimensions, picture


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_a_thumbnail_is_at_most_640_wide_and_keeps_its_shape(fmt: str) -> None:
    copy = prepare(picture(1200, 630, fmt), "thumbnail")
    assert dimensions(copy.data) == (640, 336, "WEBP")
    assert (copy.width, copy.height) == (640, 336)
    assert copy.name.endswith(".webp") and len(copy.name) == 37


def test_a_small_thumbnail_is_not_blown_up_and_a_tall_one_is_cut() -> None:
    assert dimensions(prepare(picture(300, 200), "thumbnail").data)[:2] == (300, 200)
    assert dimensions(prepare(picture(640, 4000), "thumbnail").data)[:2] == (640, 960)


@pytest.mark.parametrize("size", [(400, 400), (300, 120), (40, 90)])
def test_an_avatar_is_a_96_pixel_square(size: tuple[int, int]) -> None:
    assert dimensions(prepare(picture(*size, "JPEG"), "avatar").data) == (96, 96, "WEBP")


def test_an_animated_gif_keeps_its_first_frame() -> None:
    assert dimensions(prepare(animated_gif(), "avatar").data) == (96, 96, "WEBP")


def test_the_same_picture_has_the_same_name() -> None:
    one, two = prepare(picture(800, 400), "thumbnail"), prepare(picture(800, 400), "thumbnail")
    assert one.name == two.name
    assert prepare(picture(800, 400, colour="#dc2626"), "thumbnail").name != one.name


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (claims_to_be(100_000, 100_000), "over the pixel limit"),
        (claims_to_be(7_000, 7_000), "over the pixel limit"),  # 49 megapixels: within each side's limit
        (b"<!doctype html><title>Not found</title>", "not a PNG, JPEG, WebP or GIF"),
        (b"", "not a PNG, JPEG, WebP or GIF"),
        (b"%PDF-1.7\n" + bytes(2000), "not a PNG, JPEG, WebP or GIF"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not a PNG, JPEG"),
        (picture(200, 200)[:300], "unreadable picture"),  # cut off half-way
    ],
)
def test_hostile_or_broken_bytes_are_refused(raw: bytes, why: str) -> None:
    with pytest.raises(PictureRefused, match=why):
        prepare(raw, "thumbnail")
    with pytest.raises(PictureRefused):
        prepare(raw, "avatar")
