"""Comment bodies for the Markdown fuzzer: known XSS vectors mixed with Markdown syntax and plain noise.

The vectors are the classic ways through a Markdown renderer: raw HTML, event handlers, ``javascript:``
URLs hidden behind entities, whitespace, case or a reference definition, autolinks, and images.
"""

from __future__ import annotations

from hypothesis import strategies as st

from paperboy.text.markdown import MAX_COMMENT_LENGTH
from tests.fuzz.mutate import any_char

VECTORS = (
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<iframe src=//x>",
    "<style>*{}</style>", "<a href=\"javascript:alert(1)\">x</a>", "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))", "[x](&#106;avascript:alert(1))",
    "[x](<javascript:alert(1)>)", "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))", "![x](x\" onerror=\"alert(1))", "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)", "[x](https://ok.example/\" onmouseover=\"alert(1))",
    "<a href=x onclick=alert(1)>", "<details open ontoggle=alert(1)>", "<math><mi xlink:href=javascript:1>",
    "`<script>`", "```\n<script>\n```", "<!-- <script> -->", "&lt;script&gt;", "<<script>script>",
    "[x](  javascript:alert(1)  )", "[x](\x00javascript:alert(1))", "<a href='&#x6A;avascript:1'>",
)  # fmt: skip
SYNTAX = (
    "\n", "\n\n", "# ", "## ", "> ", "- ", "1. ", "* ", "**", "_", "~~", "`", "```", "|", "| --- |", "[",
    "]", "(", ")", "<", ">", "!", "\\", "&", "&#", ";", "---", "    ", "http://", "mailto:a@b",
)  # fmt: skip


@st.composite
def comments(draw: st.DrawFn) -> str:
    """Vectors and syntax interleaved with noise, sometimes one piece repeated to probe for blow-ups."""
    pieces = draw(
        st.lists(
            st.sampled_from(VECTORS) | st.sampled_from(SYNTAX) | st.text(any_char, max_size=12), max_size=24
        )
    )
    text = "".join(pieces)
    if text and draw(st.booleans()):
        text = text * draw(st.integers(2, max(2, MAX_COMMENT_LENGTH // len(text))))
    return text[:MAX_COMMENT_LENGTH]
