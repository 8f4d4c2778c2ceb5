"""Hostile comments never become live HTML, on the page or in the API's ``html``."""

from __future__ import annotations

import lxml.html
import pytest

from tests.community.conftest import QUIET
from tests.community.test_comments import comment_li, post
from tests.sites import Site

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    "[x](&#106;avascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "`<script>alert(1)</script>`",
    "<details open ontoggle=alert(1)>",
    '[x](https://ok.example "t" onmouseover=alert(1))',
]


def _assert_inert(fragment: lxml.html.HtmlElement) -> None:
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in {"script", "img", "iframe", "svg", "style", "object", "embed", "details"}
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert name != "style"
            if name in ("href", "src"):
                assert value.split(":", 1)[0].lower() in ("http", "https", "mailto"), value
        if element.tag == "a":
            assert element.get("rel") == "ugc nofollow noopener"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_text(site: Site, payload: str) -> None:
    alice = site.client("alice")
    comment_id = post(alice, QUIET, f"Look: {payload} and [a fine link](https://example.org/x)")
    doc = alice.doc(f"/papers/{QUIET}")
    body = comment_li(doc, comment_id).xpath(".//div[@class='comment-text']")[0]
    _assert_inert(body)
    assert body.xpath(".//a[@href='https://example.org/x']/@rel") == ["ugc nofollow noopener"]
    assert doc.xpath("//script/@src") == [s for s in doc.xpath("//script/@src") if s.startswith("/static/")]
    assert not doc.xpath("//script[not(@src)]")
    api = alice.get(f"/api/papers/{QUIET}/comments").json()["comments"][0]
    assert api["body"] == f"Look: {payload} and [a fine link](https://example.org/x)"
    _assert_inert(lxml.html.fragment_fromstring(api["html"], create_parent="div"))
    # the edit form gives the source back as text inside the textarea, never as markup
    assert (
        comment_li(doc, comment_id)
        .xpath("string(.//form[contains(@action, '/edit')]//textarea)")
        .startswith("Look: ")
    )


def test_names_are_escaped_too(site: Site) -> None:
    with site.engine.begin() as conn:
        from paperboy.store import accounts

        evil = accounts.create(
            conn, "mallory", "m@example.org", "x", fullname="<img src=x onerror=alert(1)>", verified=True
        )
    site.users["mallory"] = evil
    comment_id = post(site.client("mallory"), QUIET, "hi")
    doc = site.client().doc(f"/papers/{QUIET}")
    head = comment_li(doc, comment_id).xpath(".//header")[0]
    assert not head.xpath(".//img") and "<img src=x" in head.text_content()
