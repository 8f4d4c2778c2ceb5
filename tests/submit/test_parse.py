"""canonical_id: what people paste becomes an arXiv id, and nothing else ever gets through."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from paperboy.errors import BadRequest
from paperboy.models import split_arxiv_id
from paperboy.submit.parse import MESSAGE, canonical_id

GOOD = [
    ("2509.21268", "2509.21268"),
    ("2509.21268v2", "2509.21268"),
    ("arXiv:2509.21268", "2509.21268"),
    ("arxiv:2509.21268v12", "2509.21268"),
    ("0704.0001", "0704.0001"),
    ("hep-th/9901001", "hep-th/9901001"),
    ("hep-th/9901001v3", "hep-th/9901001"),
    ("math.GT/0309136", "math.GT/0309136"),
    ("  2509.21268\n", "2509.21268"),
    ("\t2509.21268 ", "2509.21268"),
    ("https://arxiv.org/abs/2509.21268", "2509.21268"),
    ("https://arxiv.org/abs/2509.21268v2", "2509.21268"),
    ("http://arxiv.org/abs/2509.21268", "2509.21268"),
    ("https://www.arxiv.org/abs/2509.21268", "2509.21268"),
    ("https://export.arxiv.org/abs/2509.21268", "2509.21268"),
    ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
    ("https://arxiv.org/pdf/2509.21268", "2509.21268"),
    ("https://arxiv.org/pdf/2509.21268v2", "2509.21268"),
    ("https://arxiv.org/pdf/2509.21268v2.pdf", "2509.21268"),
    ("https://arxiv.org/pdf/hep-th/9901001v1.pdf", "hep-th/9901001"),
    ("https://arxiv.org/html/2509.21268v1", "2509.21268"),
    ("https://arxiv.org/abs/2509.21268/", "2509.21268"),
    ("https://arxiv.org/abs/2509.21268?context=cs.LG", "2509.21268"),
    ("https://arxiv.org/abs/2509.21268#comments", "2509.21268"),
    ("HTTPS://ARXIV.ORG/abs/2509.21268", "2509.21268"),
    ("arxiv.org/abs/2509.21268", "2509.21268"),
    ("https://huggingface.co/papers/2509.21268", "2509.21268"),
    ("https://www.huggingface.co/papers/2509.21268", "2509.21268"),
    ("https://huggingface.co/papers/2509.21268#community", "2509.21268"),
    ("huggingface.co/papers/2509.21268", "2509.21268"),
]

HOSTILE = [
    "",
    "   ",
    "\n",
    "abc",
    "2509",
    "2509.212",
    "2509.212689",
    "2509.21268v",
    "2509.21268v0",
    "2509.21268v99999",
    "HEP-TH/9901001",
    "hep-th/990100",
    "../2509.21268",
    "2509.21268 2509.21269",
    "2509.21268\n2509.21269",
    "2509.21268\nhttps://evil.example/",
    "2509.21268\x00",
    "2509.21268\r\nX-Injected: 1",
    "arxiv.org/abs/2509.21268\u2028",
    "x" * 10_000,
    "https://arxiv.org/abs/" + "1" * 10_000,
    "2509.21268" + " " * 5_000 + "x",
    "https://evil.example/abs/2509.21268",
    "https://arxiv.org.evil.example/abs/2509.21268",
    "https://evil.example/?https://arxiv.org/abs/2509.21268",
    "https://evilarxiv.org/abs/2509.21268",
    "https://arxiv.org@evil.example/abs/1234.5678",
    "https://user:pass@arxiv.org/abs/2509.21268",
    "https://evil.example#@arxiv.org/abs/2509.21268",
    "https://evil.example\\@arxiv.org/abs/2509.21268",
    "https://arxiv.org\\@evil.example/abs/2509.21268",
    "https://arxiv.org:8080/abs/2509.21268",
    "https://arxiv.org./abs/2509.21268",
    "https://export.arxiv.org/api/query?id_list=2509.21268",
    "https://arxiv.org/list/cs.LG/new",
    "https://arxiv.org/abs/2509.21268/../../evil",
    "https://huggingface.co/2509.21268",
    "https://huggingface.co/papers/2509.21268/../../api/whoami",
    "https://hf.co/papers/2509.21268",
    "https://alphaxiv.org/abs/2509.21268",
    "https://www.alphaxiv.org/abs/2509.21268",
    "ftp://arxiv.org/abs/2509.21268",
    "file:///etc/passwd",
    "//arxiv.org/abs/2509.21268",
    "javascript:alert(1)",
    "javascript://arxiv.org/abs/2509.21268%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "<script>alert(1)</script>",
    "https://arxiv.org/abs/2509.21268<script>",
    'https://arxiv.org/abs/2509.21268"onmouseover=alert(1)',
    "https://аrxiv.org/abs/2509.21268",  # Cyrillic а
    "https://arxiv.org/abs/２５０９.２１２６８",  # fullwidth digits
    "https://xn--rxiv-9we.org/abs/2509.21268",  # the punycode of a lookalike
    "httpſ://arxiv.org/abs/2509.21268",  # long s folds to s under Unicode case-insensitive matching
    "https://arxiv.org/abs/2509.21268\u200b",  # zero-width space
    "\u202e2509.21268",  # right-to-left override
    "https://huggingface.co/papers/2509.21268 https://evil.example",
]


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_accepted_inputs_become_canonical_ids(text: str, expected: str) -> None:
    assert canonical_id(text) == expected


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_or_malformed_inputs_are_refused_with_the_clear_message(text: str) -> None:
    with pytest.raises(BadRequest) as refused:
        canonical_id(text)
    assert str(refused.value) == MESSAGE


@pytest.mark.parametrize("value", [None, 2509.21268, b"2509.21268", ["2509.21268"]])
def test_non_strings_are_refused(value: object) -> None:
    with pytest.raises(BadRequest):
        canonical_id(value)  # type: ignore[arg-type]


URLISH = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="ascii"), max_size=120),
    st.builds(
        lambda prefix, ident, tail: prefix + ident + tail,
        st.sampled_from(
            [
                "",
                "arXiv:",
                "https://arxiv.org/abs/",
                "https://arxiv.org/pdf/",
                "http://export.arxiv.org/abs/",
                "https://huggingface.co/papers/",
                "https://arxiv.org@",
                "https://evil.example/",
            ]
        ),
        st.from_regex(r"\A(\d{4}\.\d{4,5}|[a-z\-]{2,8}(\.[A-Z]{2})?/\d{7})(v\d{1,5})?\Z"),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    ),
)


@settings(max_examples=1500, deadline=None)
@given(URLISH)
@example("https://arxiv.org/abs/2509.21268v2.pdf")
@example("arxiv:0000.0000")
def test_fuzz_returns_a_valid_id_or_raises_bad_request(text: str) -> None:
    try:
        result = canonical_id(text)
    except BadRequest:
        return
    assert result.isascii() and result == result.strip()
    assert split_arxiv_id(result) == (result, None), "a version-less id the rest of the code accepts"
    assert result in text, "the id is taken from the input, never invented"
