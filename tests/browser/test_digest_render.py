"""A rendered digest photographed in chromium at mail-client widths, loading nothing remote."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.browser.conftest import SCREENSHOTS
from tests.digest.conftest import load_week, sample_digest_html

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def test_screenshot_of_a_rendered_digest(browser, engine: Engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = sample_digest_html(load_week(engine, tmp_path))
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, width in (("digest", 900), ("digest-phone", 390)):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.route("**/*", lambda route: route.abort())  # a mail client loads nothing remote by default
        page.set_content(html)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert page.locator("a", has_text="Unsubscribe").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"
        page.close()
    assert (SCREENSHOTS / "digest.png").stat().st_size > 10_000
