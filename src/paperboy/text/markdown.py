"""Comment Markdown: rendered by markdown-it (no raw HTML), then sanitised by nh3 as a second wall.

Links written by users get ``rel="ugc nofollow noopener"``; only http, https and mailto links survive, so
``javascript:`` and ``data:`` URLs never reach a page.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
MAX_COMMENT_LENGTH = 10_000
# nh3 hands the text to Rust as UTF-8, which cannot encode a lone surrogate (JSON "\ud800" can make one).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def render_comment(source: str) -> str:
    html = _MD.render(_LONE_SURROGATE.sub("\ufffd", source))
    # Headings inside a comment must not outrank the page's own: h1/h2 become plain paragraphs via nh3's drop.
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="ugc nofollow noopener",
        strip_comments=True,
    )
