"""Every form page's markup says what it means: each hint is tied to its field (``aria-describedby``),
required fields say so, and no attribute runs into the next one (``requiredaria-describedby=`` once lost
both on the sign-up form: a template's line break swallowed by Jinja's ``trim_blocks``)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from sqlalchemy.engine import Engine

from tests.sites import Site, make_site

# Attribute names our pages may use: a name outside these (``requiredaria-describedby``) is two run together.
KNOWN = {
    "accept-charset",
    "action",
    "alt",
    "aria-controls",
    "aria-current",
    "aria-describedby",
    "aria-disabled",
    "aria-expanded",
    "aria-hidden",
    "aria-label",
    "aria-labelledby",
    "aria-live",
    "aria-pressed",
    "autocomplete",
    "autofocus",
    "charset",
    "checked",
    "class",
    "content",
    "datetime",
    "decoding",
    "defer",
    "disabled",
    "focusable",
    "for",
    "height",
    "hidden",
    "href",
    "id",
    "lang",
    "list",
    "loading",
    "max",
    "maxlength",
    "method",
    "min",
    "name",
    "novalidate",
    "open",
    "placeholder",
    "property",
    "referrerpolicy",
    "rel",
    "required",
    "role",
    "rows",
    "scope",
    "selected",
    "src",
    "start",
    "tabindex",
    "title",
    "type",
    "value",
    "width",
}


def _unknown(doc: lxml.html.HtmlElement) -> list[str]:
    """Attributes no element should carry: the mark of two attributes glued into one name."""
    return sorted(
        {
            f"<{el.tag} {name}>"
            for el in doc.iter()
            if isinstance(el.tag, str)
            for name in el.attrib
            if name not in KNOWN and not name.startswith("data-")
        }
    )


ANONYMOUS = ["/signup", "/login", "/reset", "/subscribe", "/", "/search?q=agents", "/papers/2608.19880"]
SIGNED_IN = ["/settings", "/submit", "/subscriptions", "/library", "/for-you", "/papers/2608.19880"]


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Site:
    built = make_site(engine, tmp_path, hf_days=["2026-08-21"], search_model="none")
    built.add_user("ada")
    built.add_user("bea", verified=False)  # unconfirmed: settings shows the "send again" form too
    return built


def _problems(url: str, html: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    found = [f"{url}: {tag}" for tag in _unknown(doc)]
    ids = set(doc.xpath("//@id"))
    for control in doc.xpath("//*[@aria-describedby]"):
        missing = [ref for ref in control.get("aria-describedby").split() if ref not in ids]
        if missing:
            found.append(f"{url}: {control.get('name')} is described by missing {missing}")
    described = {ref for value in doc.xpath("//@aria-describedby") for ref in value.split()}
    for hint in doc.xpath("//*[contains(@class, 'form-hint')][@id]"):
        if hint.get("id") not in described:
            found.append(f"{url}: the hint {hint.get('id')} describes no field")
    return found


def test_glued_attributes_are_seen() -> None:
    assert _unknown(lxml.html.fromstring('<input id="a" required aria-describedby="h">')) == []
    assert _unknown(lxml.html.fromstring('<input id="a" requiredaria-describedby="h">')) != []


def test_every_form_page(site: Site) -> None:
    problems: list[str] = []
    visits = [(site.client(), ANONYMOUS), (site.client("ada"), SIGNED_IN)]
    visits.append((site.client("bea"), ["/settings"]))
    for client, urls in visits:
        for url in urls:
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
            problems += _problems(url, answer.text)
    assert problems == []


def test_sign_up_fields_are_required_and_described(site: Site) -> None:
    doc = lxml.html.fromstring(site.client().get("/signup").text)
    for name in ("username", "email", "password"):
        box = doc.xpath(f"//input[@name='{name}']")[0]
        assert box.get("required") is not None, name
        hint = doc.xpath(f"//*[@id='{box.get('aria-describedby')}']")[0]
        assert "form-hint" in hint.get("class") and hint.text_content().strip(), name
