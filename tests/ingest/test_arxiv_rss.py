"""arXiv daily listing feeds (RSS 2.0 and Atom) from hand-made fixtures in arXiv's own feed shape."""

from __future__ import annotations

from datetime import date

import pytest

from paperboy.errors import IngestError
from paperboy.ingest.arxiv_rss import ListingItem, parse_listing_feed
from tests.conftest_data import fixture_bytes


@pytest.fixture(scope="module")
def rss_items() -> list[ListingItem]:
    return parse_listing_feed(fixture_bytes("arxiv_rss_cs_LG.xml"), "https://rss.arxiv.org/rss/cs.LG").items


@pytest.fixture(scope="module")
def atom_items() -> list[ListingItem]:
    return parse_listing_feed(
        fixture_bytes("arxiv_atom_listing_cs_CL.xml"), "https://rss.arxiv.org/atom/cs.CL"
    ).items


def test_rss_announce_types_ids_versions_and_day(rss_items: list[ListingItem]) -> None:
    assert [i.announce_type for i in rss_items] == ["new", "cross", "replace", "replace-cross"]
    assert [(i.paper.arxiv_id, i.paper.version) for i in rss_items] == [
        ("2401.05566", 1),
        ("2401.04088", 1),
        ("2305.18290", 2),
        ("1706.03762", 7),
    ]
    # "Tue, 16 Jan 2024 00:00:00 -0500" is the 16th in New York, whatever the UTC clock says.
    assert {i.announced_on for i in rss_items} == {date(2024, 1, 16)}
    assert all(i.paper.announced_on == date(2024, 1, 16) for i in rss_items)


def test_rss_item_fields(rss_items: list[ListingItem]) -> None:
    sleeper = rss_items[0].paper
    assert sleeper.title == "Sleeper Agents: Training Deceptive LLMs that Persist Through Safety Training"
    assert sleeper.categories == ["cs.CR", "cs.AI", "cs.CL", "cs.LG", "cs.SE"]
    assert sleeper.primary_category == "cs.CR"  # first <category>, even in the cs.LG feed
    assert len(sleeper.authors) == 39
    assert sleeper.authors[0].name == "Evan Hubinger"
    assert "Sören Mindermann" in [a.name for a in sleeper.authors]  # TeX accent decoded
    assert sleeper.authors[-1].name == "Ethan Perez"
    assert sleeper.abstract.startswith(
        "Humans are capable of strategically deceptive behavior: behaving helpfully"
    )
    assert "Announce Type" not in sleeper.abstract and "\n" not in sleeper.abstract
    assert sleeper.license == "http://creativecommons.org/licenses/by/4.0/"

    mixtral = rss_items[1].paper
    assert mixtral.primary_category == "cs.LG"
    assert "Lélio Renard Lavaud" in [a.name for a in mixtral.authors]

    dpo = rss_items[2].paper
    assert [(a.name, a.affiliation) for a in dpo.authors[:4]] == [
        ("Rafael Rafailov", "Stanford University"),
        ("Archit Sharma", "Stanford University"),
        ("Eric Mitchell", "Stanford University"),
        ("Stefano Ermon", None),
    ]
    attention = rss_items[3].paper
    assert attention.title == "Attention Is All You Need"
    assert attention.journal_ref == "Advances in Neural Information Processing Systems 30 (NIPS 2017)"
    assert attention.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"


def test_atom_listing(atom_items: list[ListingItem]) -> None:
    assert [i.announce_type for i in atom_items] == ["new", "cross", "replace", "replace-cross"]
    assert [(i.paper.arxiv_id, i.paper.version) for i in atom_items] == [
        ("2401.10020", 1),
        ("2401.10774", 1),
        ("2307.09288", 2),
        ("2305.18290", 3),
    ]
    assert {i.announced_on for i in atom_items} == {date(2024, 1, 22)}
    rewarding, medusa, llama, dpo = (i.paper for i in atom_items)
    assert rewarding.title == "Self-Rewarding Language Models"
    assert [a.name for a in rewarding.authors][:3] == ["Weizhe Yuan", "Richard Yuanzhe Pang", "Kyunghyun Cho"]
    assert rewarding.abstract.startswith("We posit that to achieve superhuman agents")
    assert medusa.title == "Medusa: Simple LLM Inference Acceleration Framework with Multiple Decoding Heads"
    assert medusa.categories == ["cs.LG", "cs.CL"] and medusa.primary_category == "cs.LG"
    assert (llama.authors[0].name, llama.authors[0].affiliation) == ("Hugo Touvron", "Meta AI")
    assert llama.authors[3].affiliation is None
    assert dpo.license == "http://creativecommons.org/licenses/by/4.0/"


ATOM_WITH_AUTHOR_ELEMENTS = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>http://rss.arxiv.org/atom/cs.CL</id><title>cs.CL updates on arXiv.org</title>
  <updated>2024-01-19T00:00:00-05:00</updated>
  <entry>
    <id>oai:arXiv.org:2401.10020v1</id><title>Self-Rewarding Language Models</title>
    <summary>arXiv:2401.10020v1 Announce Type: new
Abstract: We posit that to achieve superhuman agents, future models require superhuman feedback.</summary>
    <category term="cs.CL"/><category term="cs.AI"/>
    <arxiv:announce_type>new</arxiv:announce_type><arxiv:DOI>10.48550/arXiv.2401.10020</arxiv:DOI>
    <author><name>Weizhe Yuan</name></author><author><name>Jason Weston</name></author>
  </entry>
</feed>"""


def test_atom_author_elements_and_feed_date_fallback() -> None:
    [item] = parse_listing_feed(ATOM_WITH_AUTHOR_ELEMENTS, "atom").items
    assert [a.name for a in item.paper.authors] == ["Weizhe Yuan", "Jason Weston"]
    assert item.announced_on == date(2024, 1, 19)  # no <published>: the feed's own date
    assert item.paper.doi == "10.48550/arXiv.2401.10020"


def rss(items: str, channel_date: str = "Mon, 15 Jan 2024 00:00:00 -0500") -> bytes:
    return f"""<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/"
      version="2.0"><channel><title>cs.LG updates on arXiv.org</title><pubDate>{channel_date}</pubDate>
      {items}</channel></rss>""".encode()


def test_announce_type_falls_back_to_the_description_and_day_is_local() -> None:
    item = """<item><title>Mixtral of Experts</title><link>https://arxiv.org/abs/2401.04088</link>
      <description>arXiv:2401.04088v1 Announce Type: cross
Abstract: We introduce Mixtral 8x7B.</description>
      <category>cs.LG</category><pubDate>Mon, 15 Jan 2024 23:30:00 -0500</pubDate></item>"""
    [parsed] = parse_listing_feed(rss(item), "rss").items
    assert parsed.announce_type == "cross"
    assert (parsed.paper.arxiv_id, parsed.paper.version) == ("2401.04088", 1)  # from the description header
    assert parsed.announced_on == date(2024, 1, 15)  # 04:30 UTC on the 16th, but the 15th in New York
    assert parsed.paper.abstract == "We introduce Mixtral 8x7B."


def test_empty_listing_is_an_empty_list() -> None:
    page = parse_listing_feed(rss(""), "rss")
    assert page.items == [] and page.rejected == []


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("<item><title>No id</title><description>Abstract: x</description></item>", "has no arXiv id"),
        (
            "<item><title>T</title><guid>oai:arXiv.org:2401.04088v1</guid>"
            "<arxiv:announce_type>bogus</arxiv:announce_type></item>",
            "unknown announce type",
        ),
    ],
)
def test_an_unusable_item_is_set_aside_and_its_neighbours_kept(item: str, message: str) -> None:
    good = "<item><title>G{n}</title><guid>oai:arXiv.org:2401.0000{n}v1</guid>" + (
        "<arxiv:announce_type>new</arxiv:announce_type></item>"
    )
    page = parse_listing_feed(
        rss(good.format(n=1) + item + good.format(n=2)), "https://rss.arxiv.org/rss/cs.LG"
    )
    assert [i.paper.arxiv_id for i in page.items] == ["2401.00001", "2401.00002"]
    [reason] = page.rejected
    assert message in reason and reason.startswith("item")


def test_not_a_feed_is_refused() -> None:
    with pytest.raises(IngestError, match="not an RSS or Atom listing feed"):
        parse_listing_feed(b"<html><body>Service unavailable</body></html>", "rss")
