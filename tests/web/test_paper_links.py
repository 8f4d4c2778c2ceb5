"""Links a reader follows from a paper: URLs in its abstract, a Code link its authors named, keyword chips
that search, comment counts that open the discussion, and Hugging Face's thread shown as a link to it.

The linkifier is checked against hostile abstracts: whatever the text, the page shows exactly that text, and
the only markup added is ``<a href="http(s)://…" rel="nofollow ugc noopener">``.
"""

from __future__ import annotations

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperboy.models import Paper
from paperboy.text.links import REL, github_repo_in, linkify
from paperboy.web.render import code_link
from tests.web.conftest import cards, day_file

CONV_LLAVA = "2405.15738"  # "… publicly available at\nhttps://github.com/alibaba/conv-llava.", no repo set
HOSTILE = [
    '<script>alert(1)</script> see https://example.org/a"><script>alert(2)</script>',
    "https://x.org/<img src=x onerror=alert(1)> and javascript:alert(1) and data:text/html,<b>x</b>",
    'https://github.com/evil/repo"onmouseover="alert(1) and https://github.com/evil/r\'x',
    "(see https://example.org/p?a=1&b=2&amp;c=3). Also https://en.wikipedia.org/wiki/F_(b), and www.x.org.",
    "https://\u202eevil.org/ https://a.org/\u0000b HTTPS://UPPER.ORG/x http://",
]


def _fragment(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<div>{html}</div>")


def _links_are_ours(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Every element under ``root`` is one of our links, with only the attributes we write."""
    links = list(root.iterdescendants())
    for a in links:
        assert a.tag == "a" and set(a.attrib) == {"href", "rel"}, lxml.html.tostring(a)
        assert a.get("rel") == REL and a.get("href").lower().startswith(("http://", "https://"))
        assert a.text_content() == a.get("href")  # the link shows where it goes
    return links


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_abstracts_stay_text(text: str) -> None:
    root = _fragment(str(linkify(text)))
    assert root.text_content() == text.replace("\u0000", "\ufffd")  # every character shown as typed
    links = _links_are_ours(root)
    assert links, "each of these has at least one real URL"
    assert all("<" not in a.get("href") and '"' not in a.get("href") for a in links)


PIECES = [*"ab:/.<>\"'&()[]{} \n", "https://", "http://x.", "&amp;", "github.com/", "é", "\u202e"]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_text_comes_back_as_itself(text: str) -> None:
    root = _fragment(str(linkify(text)))
    assert root.text_content() == text
    _links_are_ours(root)


def test_urls_end_where_the_sentence_does() -> None:
    html = str(linkify("Code: (https://github.com/a/b). Data at https://x.org/d_(v2), see https://y.org/."))
    hrefs = [a.get("href") for a in _fragment(html).iter("a")]
    assert hrefs == ["https://github.com/a/b", "https://x.org/d_(v2)", "https://y.org/"]


@pytest.mark.parametrize(
    ("text", "repo"),
    [
        ("publicly available at\nhttps://github.com/alibaba/conv-llava.", "alibaba/conv-llava"),
        ("(https://github.com/facebookresearch/schedule_free).", "facebookresearch/schedule_free"),
        ("at https://github.com/yingtaoren/D-Scan.git.", "yingtaoren/D-Scan"),
        ("https://github.com/budzianowski/opengvl{OpenGVL}.", "budzianowski/opengvl"),
        ("https://github.com/mts-ai/ROCKET/tree/main.", "mts-ai/ROCKET"),
        ("code: github.com/PaulAlbert31/LSA", "PaulAlbert31/LSA"),
        ("https://www.github.com/A/b-c_d.e", "A/b-c_d.e"),
    ],
)
def test_a_github_repository_named_in_text(text: str, repo: str) -> None:
    assert github_repo_in(text) == f"https://github.com/{repo}"


@pytest.mark.parametrize(
    "text",
    [
        "see https://williamium3000.github.io/s2vopd",
        "https://gist.github.com/someone/abc123",
        "https://github.com/MiniAppBench.",
        "https://github.com/orgs/foo/repos",
        "https://github.com/topics/llm",
        "https://raw.githubusercontent.com/a/b/main/x",
        "mail me at me@github.com/a/b",
    ],
)
def test_not_a_repository(text: str) -> None:
    assert github_repo_in(text) is None


def test_the_code_link_prefers_what_is_set_then_the_abstract_then_arxiv_comments() -> None:
    set_link = Paper("1", "t", abstract="https://github.com/a/b", github_repo="https://github.com/c/d")
    assert code_link(set_link).url == "https://github.com/c/d" and code_link(set_link).found_in is None
    hostile = Paper("2", "t", abstract="https://github.com/a/b", github_repo="javascript:alert(1)")
    assert code_link(hostile).url == "https://github.com/a/b" and code_link(hostile).found_in == "abstract"
    in_comments = Paper("3", "t", abstract="nothing", comments="Code: https://github.com/e/f")
    assert code_link(in_comments).found_in == "arXiv comments"
    assert code_link(Paper("4", "t", abstract="none")) is None


def test_the_paper_page_links_what_its_abstract_names(doc_of) -> None:  # type: ignore[no-untyped-def]
    doc = doc_of(f"/papers/{CONV_LLAVA}")
    link = doc.xpath("//p[@class='abstract-full']/a")
    assert [(a.get("href"), a.get("rel")) for a in link] == [("https://github.com/alibaba/conv-llava", REL)]
    code = doc.xpath("//div[@class='actions']/a[contains(., 'Code')]")[0]
    assert code.get("href") == "https://github.com/alibaba/conv-llava" and "nofollow" in code.get("rel")
    code_fact = doc.xpath("//dl[@class='facts']/dt[.='Code']/following-sibling::dd[1]")[0]
    assert " ".join(code_fact.text_content().split()) == "alibaba/conv-llava · named in the abstract"


def test_the_hugging_face_thread_is_a_link_and_ours_follows(doc_of) -> None:  # type: ignore[no-untyped-def]
    doc = doc_of(f"/papers/{CONV_LLAVA}")
    section = doc.xpath("//section[@id='discussion']")[0]
    hf = section.xpath("./p[@class='hf-thread']/a")[0]
    assert " ".join(hf.text_content().split()) == "3 comments on Hugging Face →"
    assert hf.get("href") == f"https://huggingface.co/papers/{CONV_LLAVA}#community"
    assert " ".join(section.xpath("string(.//h3)").split()) == "Here on paperboy 0 comments"
    assert section.xpath("string(.//p[@class='empty-thread'])") == "No comments here yet."
    assert section.xpath("string(./h2)") == "Discussion", "no count that mixes their thread and ours"
    pill = doc.xpath("//div[@class='actions']/a[@class='stat-pill']")[0]
    assert pill.get("href") == "#discussion" and "3 comments" in pill.text_content()


def test_keyword_chips_search_their_words(doc_of) -> None:  # type: ignore[no-untyped-def]
    entry = day_file("2026-08-21")[0]["paper"]
    doc = doc_of("/papers/2608.19880")
    chips = doc.xpath("//section[@class='ai-summary']//ul[@class='chips']/li/a[@class='chip']")
    assert [a.text_content() for a in chips] == entry["ai_keywords"]
    assert chips[0].get("href") == "/search?q=%22LLM+agents%22"
    card = cards(doc_of("/papers/date/2026-08-21"))[0]
    assert card.xpath(".//a[@class='chip']/@href")[0] == "/search?q=%22LLM+agents%22"
    comments = card.xpath(".//a[contains(@aria-label, 'comment')]")[0]
    assert comments.get("href") == "/papers/2608.19880#discussion"


def test_a_keyword_search_finds_the_paper(client) -> None:  # type: ignore[no-untyped-def]
    doc = lxml.html.fromstring(client.get("/search?q=%22EnvRigger%22").text)
    assert "/papers/2608.19880" in doc.xpath("//li[@class='search-hit']//h2/a/@href")
