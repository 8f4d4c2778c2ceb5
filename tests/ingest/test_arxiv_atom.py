"""arXiv API Atom responses, both the 2016 and the 2026 format, from real recordings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from paperboy.errors import IngestError
from paperboy.ingest.arxiv_atom import AtomPage, parse_atom_feed
from tests.conftest_data import ARXIV_API, ARXIV_API_DECODED, recorded_body

# Every recorded feed except the error response (tested on its own below).
ALL_FEEDS = [
    path
    for path in sorted(ARXIV_API_DECODED.glob("*.xml")) + sorted(ARXIV_API.glob("legacy2016_*.xml"))
    if not path.name.startswith("id_abc")
]


def parse_file(path: Path) -> AtomPage:
    return parse_atom_feed(path.read_bytes(), str(path))


def test_2026_old_style_id_with_affiliations_and_journal_ref() -> None:
    page = parse_file(ARXIV_API_DECODED / "id_astro-ph_0601001_s0_m100_3150dca9dc76.xml")
    assert (page.total_results, page.start_index, page.items_per_page) == (1, 0, 100)
    [paper] = page.papers
    assert paper.arxiv_id == "astro-ph/0601001"
    assert paper.version == 1
    assert paper.title.startswith("Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III")
    assert paper.abstract.startswith("We derive the frequencies of hot Jupiters (HJs)")  # leading spaces gone
    assert [(a.name, a.affiliation) for a in paper.authors] == [
        ("Andrew Gould", "Ohio State"),
        ("Susan Dorsher", "Ohio State"),
        ("B. Scott Gaudi", "CfA"),
        ("Andrzej Udalski", "Warsaw University Observatory"),
    ]
    assert paper.categories == ["astro-ph"]
    assert paper.primary_category == "astro-ph"
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"
    assert paper.comments.startswith("62 pages including 16 figures and 9 tables.")
    assert paper.submitted_at == datetime(2006, 1, 2, 14, 57, 58, tzinfo=UTC)
    assert paper.updated_at == datetime(2006, 1, 2, 14, 57, 58, tzinfo=UTC)
    assert paper.doi is None


def test_2026_versioned_old_style_id_and_cross_list() -> None:
    [paper] = parse_file(ARXIV_API_DECODED / "id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml").papers
    assert (paper.arxiv_id, paper.version) == ("quant-ph/0201082", 1)
    assert paper.title == (
        "Quantum Computers and Quantum Computer Languages: Quantum Assembly Language and Quantum C Language"
    )
    assert paper.categories == ["quant-ph", "cs.PL"]
    assert paper.primary_category == "quant-ph"
    assert [a.name for a in paper.authors] == ["Stephen Blaha"]


def test_recorded_json_exchange_and_decoded_body_agree() -> None:
    url, status, body = recorded_body("id_1707.08567_s0_m100_6a1afebfc6a3.json")
    assert status == 200
    from_json = parse_atom_feed(body, url)
    from_xml = parse_file(ARXIV_API_DECODED / "id_1707.08567_s0_m100_6a1afebfc6a3.xml")
    assert from_json == from_xml
    [paper] = from_json.papers
    assert paper.arxiv_id == "1707.08567"
    assert paper.title == "Proceedings of Workshop AEW10: Concepts in Information Theory and Communications"
    assert paper.authors[0].name == "Kees A. Schouhamer Immink"
    assert paper.primary_category == "cs.IT"


def test_2016_format_collapses_hard_wrapped_title_and_summary() -> None:
    page = parse_file(ARXIV_API / "legacy2016_id_list_1111.2011v2.xml")
    assert (page.total_results, page.start_index, page.items_per_page) == (1, 0, 10)
    [paper] = page.papers
    assert (paper.arxiv_id, paper.version) == ("1111.2011", 2)
    assert (
        paper.title
        == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert paper.abstract.startswith(
        "Theoretical description of anisotropic systems, such as layered superconductors"
    )
    assert "\n" not in paper.abstract and "  " not in paper.abstract
    assert paper.abstract.endswith("adding a single extra dimension to the theory describing a single node.")
    assert [a.name for a in paper.authors] == ["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"]
    assert paper.doi == "10.1103/PhysRevB.85.115117"
    assert paper.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert paper.comments == "8 pages, 3 figures. Published version"
    assert paper.categories == ["cond-mat.str-el", "cond-mat.stat-mech"]
    assert paper.primary_category == "cond-mat.str-el"
    assert paper.submitted_at == datetime(2011, 11, 8, 18, 48, 36, tzinfo=UTC)
    assert paper.updated_at == datetime(2012, 4, 2, 12, 38, 54, tzinfo=UTC)


def test_2016_search_page_numbers_and_old_style_ids() -> None:
    page = parse_file(ARXIV_API / "legacy2016_au_del_maestro.xml")
    assert (page.total_results, page.start_index, page.items_per_page) == (31, 0, 10)
    assert len(page.papers) == 10
    ids = [p.arxiv_id for p in page.papers]
    assert ids[:2] == ["1201.4869", "cond-mat/0412498"]
    melting = page.papers[1]
    assert melting.title == "Thermal melting of density waves on the square lattice"
    assert [a.name for a in melting.authors] == ["Adrian Del Maestro", "Subir Sachdev"]
    # The search matched the author under both spellings arXiv holds for him.
    assert all({"Adrian Del Maestro", "A. Del Maestro"} & {a.name for a in p.authors} for p in page.papers)


def test_2026_search_pages_line_up_with_their_opensearch_numbers() -> None:
    big = parse_file(ARXIV_API_DECODED / "q_testing_s0_m100_cfe7536492ca.xml")
    assert (big.total_results, big.start_index, big.items_per_page, len(big.papers)) == (214881, 0, 100, 100)
    whole = [p.arxiv_id for p in big.papers]
    for path in ARXIV_API_DECODED.glob("q_testing_s*_m*.xml"):
        page = parse_file(path)
        assert page.total_results == 214881
        assert len(page.papers) == page.items_per_page
        start = page.start_index
        assert [p.arxiv_id for p in page.papers] == whole[start : start + page.items_per_page], path.name
    page = parse_file(ARXIV_API_DECODED / "q_testing_s10_m10_34e56e15aaac.xml")
    first = page.papers[0]
    assert (first.arxiv_id, first.version) == ("2403.16981", 2)
    assert first.title == "The Sample Complexity of Simple Binary Hypothesis Testing"
    assert [a.name for a in first.authors] == ["Ankit Pensia", "Varun Jog", "Po-Ling Loh"]
    assert first.categories == ["math.ST", "cs.IT", "stat.ML"]
    assert first.primary_category == "math.ST"


def test_error_entry_is_refused_and_never_becomes_a_paper() -> None:
    url, status, body = recorded_body("id_abc_s0_m100_b79c8dcf6bc3.json")
    assert status == 400
    with pytest.raises(IngestError) as info:
        parse_atom_feed(body, url)
    assert info.value.label == url
    assert info.value.reason == "incorrect id format for abc"


@pytest.mark.parametrize(
    "name", ["id_0000.0000_s0_m100_8b51d9633a68.json", "id_0808.05394_s0_m100_7b0c7d0a7cdd.json"]
)
def test_unknown_id_gives_an_empty_page(name: str) -> None:
    url, status, body = recorded_body(name)
    page = parse_atom_feed(body, url)
    assert status == 200
    assert page.papers == []
    assert (page.total_results, page.start_index, page.items_per_page) == (0, 0, 100)


def test_primary_category_missing_from_category_list_is_added_first() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
      <entry><id>http://arxiv.org/abs/hep-th/9901001v3</id><title>T</title>
        <category term="math-ph"/><arxiv:primary_category term="hep-th"/></entry></feed>"""
    [paper] = parse_atom_feed(body, "inline").papers
    assert (paper.arxiv_id, paper.version) == ("hep-th/9901001", 3)
    assert paper.categories == ["hep-th", "math-ph"]
    assert paper.primary_category == "hep-th"


def test_not_a_feed_is_an_ingest_error_and_a_bad_entry_costs_only_itself() -> None:
    with pytest.raises(IngestError, match="not an Atom feed"):
        parse_atom_feed(b"<html><body>Rate exceeded.</body></html>", "api")
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom">
      <entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Before</title></entry>
      <entry><id>http://example.org/x</id><title>T</title></entry>
      <entry><id>http://arxiv.org/abs/2401.00002v1</id><title>After</title>
        <published>9999-12-31T23:59:59-23:59</published></entry>
      <entry><id>http://arxiv.org/abs/2401.00003v1</id><title>Last</title></entry></feed>"""
    page = parse_atom_feed(body, "api")
    assert [p.arxiv_id for p in page.papers] == ["2401.00001", "2401.00003"]
    assert len(page.rejected) == 2
    assert "is not an arXiv id" in page.rejected[0]
    assert "2401.00002" in page.rejected[1] and "not an ISO-8601 time" in page.rejected[1]
    assert page.total_results == 4  # without opensearch numbers, every entry counts toward paging


@pytest.mark.parametrize("path", ALL_FEEDS, ids=lambda p: p.name)
def test_every_real_entry_is_clean(path: Path) -> None:
    for paper in parse_file(path).papers:
        assert paper.version and paper.version >= 1
        assert "\n" not in paper.title and "  " not in paper.abstract
        assert paper.title == paper.title.strip() and paper.abstract == paper.abstract.strip()
        assert paper.authors and all(a.name for a in paper.authors)
        assert paper.primary_category in paper.categories
        assert paper.submitted_at.tzinfo == UTC and paper.updated_at.tzinfo == UTC
        assert paper.submitted_at <= paper.updated_at
