"""``/api/docs`` in a real browser: Swagger UI draws every operation of the schema from files on our own
origin, under our Content-Security-Policy, and asks no other host for anything (not even a validator badge).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import BrowserSite, Watch

pytestmark = pytest.mark.browser


def test_api_docs_render_every_operation_from_our_own_origin(open_context, site: BrowserSite) -> None:  # type: ignore[no-untyped-def]
    page = open_context().new_page()
    watch = Watch(page)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{site.url}/api/docs")
    assert response is not None and response.status == 200
    schema = page.request.get(f"{site.url}/api/openapi.json").json()
    operations = [(method.upper(), path) for path, methods in schema["paths"].items() for method in methods]
    page.wait_for_selector(".opblock")
    page.wait_for_function(f"document.querySelectorAll('.opblock').length >= {len(operations)}")
    shown = page.eval_on_selector_all(
        ".opblock",
        "blocks => blocks.map(b => [b.querySelector('.opblock-summary-method').textContent.trim(),"
        " b.querySelector('.opblock-summary-path').getAttribute('data-path')])",
    )
    assert sorted(map(tuple, shown)) == sorted(operations)
    page.click(".opblock-summary-path[data-path='/api/daily_papers']")  # opens: parameters are listed
    page.wait_for_selector(".parameters-container tr[data-param-name='date']")
    assert requested and all(url.startswith(site.url + "/") for url in requested), requested
    assert any("/api/docs/assets/swagger-ui-bundle.js" in url for url in requested)
    watch.assert_clean()
