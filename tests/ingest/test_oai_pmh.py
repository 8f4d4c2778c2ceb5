"""OAI-PMH ListRecords/GetRecord: the real arXivRaw harvest page, hand-made arXiv-format and error pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from paperboy.errors import IngestError
from paperboy.ingest.normalize import parse_rfc822_utc, split_authors
from paperboy.ingest.oai_pmh import OaiError, OaiPage, parse_list_records
from paperboy.models import Paper
from tests.conftest_data import ARXIV_OAI, fixture_bytes

LIST_RECORDS = ARXIV_OAI / "litpuvn_ListRecords_arXivRaw_2016-10-20.xml"
GET_RECORD = ARXIV_OAI / "litpuvn_GetRecord_arXivRaw.xml"


@pytest.fixture(scope="module")
def page() -> OaiPage:
    return parse_list_records(LIST_RECORDS.read_bytes(), str(LIST_RECORDS))


@pytest.fixture(scope="module")
def by_id(page: OaiPage) -> dict[str, Paper]:
    return {p.arxiv_id: p for p in page.papers}


def test_list_records_page_and_resumption_token(page: OaiPage) -> None:
    assert len(page.papers) == 387
    assert len({p.arxiv_id for p in page.papers}) == 387
    assert page.resumption_token == "1403493|1001"
    assert (page.complete_list_size, page.cursor) == (1440, 0)
    assert page.deleted_ids == []


def test_versions_dates_and_withdrawal(by_id: dict[str, Paper]) -> None:
    tsp = by_id["0803.4354"]
    assert tsp.title == "A O(n^8) X O(n^7) Linear Programming Model of the Traveling Salesman Problem"
    assert tsp.version == 6
    assert tsp.submitted_at == datetime(2008, 3, 30, 23, 26, 50, tzinfo=UTC)
    assert tsp.updated_at == datetime(2016, 10, 20, 16, 58, 38, tzinfo=UTC)
    assert tsp.withdrawn is True  # its last version is "0kb", source type I
    assert tsp.categories == ["cs.DM"] and tsp.primary_category == "cs.DM"
    assert tsp.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert tsp.comments.startswith(
        "Theorem 25 and Corollary 26 are incorrect. The modeling needs 9-dimensional"
    )
    withdrawn = sorted(p.arxiv_id for p in by_id.values() if p.withdrawn)
    assert withdrawn == ["0803.4354", "0808.3386", "1502.02762", "1505.00300", "1603.06854", "1605.00928"]


def test_optional_fields_and_primary_category(by_id: dict[str, Paper]) -> None:
    borda = by_id["1606.07946"]
    assert borda.title == "On the theorem of Davenport and generalized Dedekind sums"
    assert [a.name for a in borda.authors] == ["Bence Borda"]
    assert borda.journal_ref == "J. Number Theory 172 (2017) 1-20"
    assert borda.comments == "20 pages"
    assert borda.categories == ["math.NT"] and borda.primary_category == "math.NT"
    assert borda.version == 1 and borda.submitted_at == borda.updated_at
    assert borda.abstract.startswith(
        "A symmetrized lattice of $2n$ points in terms of an irrational real number"
    )


def test_every_text_field_is_whitespace_collapsed(page: OaiPage) -> None:
    for paper in page.papers:
        for text in [paper.title, paper.abstract, paper.comments or "", paper.journal_ref or ""]:
            assert "\n" not in text and "  " not in text and text == text.strip()
        assert all("\n" not in a.name and a.name == a.name.strip() for a in paper.authors)
        assert paper.primary_category == paper.categories[0]
        assert paper.submitted_at <= paper.updated_at


@pytest.mark.parametrize(
    ("arxiv_id", "expected"),
    [
        ("1204.3980", [("Béla Bollobás", None), ("Paul Smith", None), ("Andrew Uzzell", None)]),
        ("1203.0193", [("Servane Gey", "MAP5")]),
        ("1407.6672", [("Sorina Ionica", "LFANT, UB"), ("Emmanuel Thomé", "CARAMEL")]),
        (
            "1509.04989",
            [("Rodolfo Casana", None), ("Manoel M. Ferreira Jr.", None), ("Alexsandro Lucena Mota", None)],
        ),
        ("1502.07842", [("Charlotta Bengtson", None), ("Michael Stenrup", None), ("Erik Sjöqvist", None)]),
        (
            "1408.0799",
            [
                ("Maciej Bilicki", "University of Cape Town; University of Zielona Góra"),
                ("John A. Peacock", "University of Edinburgh"),
                ("Thomas H. Jarrett", "University of Cape Town"),
                ("Michelle E. Cluver", "University of Cape Town"),
                ("Louise Steward", "University of Cape Town"),
            ],
        ),
    ],
)
def test_free_text_author_lists_are_split_sensibly(
    by_id: dict[str, Paper], arxiv_id: str, expected: list
) -> None:
    assert [(a.name, a.affiliation) for a in by_id[arxiv_id].authors] == expected


def test_tex_accents_in_names_are_decoded(by_id: dict[str, Paper]) -> None:
    assert "Słupiński" in [a.name for a in by_id["1210.2946"].authors]
    assert [a.name for a in by_id["1602.00260"].authors][0] == "Måns Magnusson"


def test_get_record_response_with_wrapped_author_line() -> None:
    page = parse_list_records(GET_RECORD.read_bytes(), str(GET_RECORD))
    assert page.resumption_token is None and page.deleted_ids == []
    [paper] = page.papers
    assert (paper.arxiv_id, paper.version) == ("0804.2273", 1)
    assert paper.title == "Object Re-Use & Exchange: A Resource-Centric Approach"
    assert [a.name for a in paper.authors] == [
        "Carl Lagoze",
        "Herbert Van de Sompel",
        "Michael L. Nelson",
        "Simeon Warner",
        "Robert Sanderson",
        "Pete Johnston",
    ]
    assert paper.categories == ["cs.DL", "cs.NI"]
    assert paper.license == "http://creativecommons.org/licenses/by/3.0/"
    assert paper.submitted_at == datetime(2008, 4, 14, 21, 2, 0, tzinfo=UTC)


def test_arxiv_metadata_format_with_deleted_record_on_the_last_page() -> None:
    page = parse_list_records(fixture_bytes("oai_arXiv_ListRecords_last_page.xml"), "oai-last-page")
    assert page.resumption_token is None  # empty token element: the harvest is complete
    assert (page.complete_list_size, page.cursor) == (1004, 1001)
    assert page.deleted_ids == ["hep-th/9901001"]
    serpens, gyro = page.papers
    assert serpens.arxiv_id == "0704.0009"
    assert serpens.title.startswith(
        "The Spitzer c2d Survey of Large, Nearby, Insterstellar Clouds. IX. The Serpens"
    )
    assert "Neal J. Evans II" in [a.name for a in serpens.authors]
    assert serpens.version is None  # this format carries no version numbers
    assert serpens.submitted_at == serpens.updated_at == datetime(2007, 4, 2, tzinfo=UTC)
    assert serpens.doi == "10.1086/518646"
    assert (gyro.authors[0].name, gyro.authors[0].affiliation) == ("A. A. Schekochihin", "Oxford")
    assert gyro.categories == ["astro-ph", "nlin.CD", "physics.plasm-ph", "physics.space-ph"]
    assert gyro.primary_category == "astro-ph"
    assert gyro.submitted_at == datetime(2007, 3, 31, tzinfo=UTC)
    assert gyro.updated_at == datetime(2009, 5, 9, tzinfo=UTC)
    assert (
        gyro.comments == "aastex using emulateapj, 65 pages, 10 figures; replaced to match published version"
    )


def test_no_records_match_is_an_empty_page_not_an_error() -> None:
    page = parse_list_records(fixture_bytes("oai_error_noRecordsMatch.xml"), "oai-empty")
    assert page.papers == [] and page.deleted_ids == []
    assert page.resumption_token is None


def test_bad_resumption_token_raises_with_code_and_message() -> None:
    with pytest.raises(OaiError) as info:
        parse_list_records(
            fixture_bytes("oai_error_badResumptionToken.xml"), "oai?resumptionToken=1403493|1001"
        )
    assert isinstance(info.value, IngestError)
    assert info.value.code == "badResumptionToken"
    assert info.value.label == "oai?resumptionToken=1403493|1001"
    assert "badResumptionToken" in info.value.reason
    assert "invalid or expired" in info.value.reason


def test_unknown_root_or_metadata_format_is_refused() -> None:
    with pytest.raises(IngestError, match="not an OAI-PMH response"):
        parse_list_records(b"<html/>", "oai")
    body = b"""<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record>
      <header><identifier>oai:arXiv.org:0704.0001</identifier></header>
      <metadata><dc xmlns="http://www.openarchives.org/OAI/2.0/oai_dc/"/></metadata>
      </record><resumptionToken>next</resumptionToken></ListRecords></OAI-PMH>"""
    page = parse_list_records(body, "oai")
    assert page.papers == [] and page.resumption_token == "next"
    [reason] = page.rejected
    assert "0704.0001" in reason and "unsupported metadata format" in reason


def test_an_unreadable_record_costs_only_itself_and_the_harvest_goes_on() -> None:
    record = (
        '<record><header><identifier>oai:arXiv.org:{id}</identifier></header><metadata><arXivRaw xmlns="'
        'http://arxiv.org/OAI/arXivRaw/"><id>{id}</id><title>{title}</title><version version="{v}"><date>'
        "Mon, 2 Apr 2007 19:18:42 GMT</date></version></arXivRaw></metadata></record>"
    )
    records = [
        record.format(id="0704.0001", title="First", v="v1"),
        record.format(id="0704.0002", title="", v="v1"),
        record.format(id="0704.0003", title="Huge version", v="v99999999999"),
        "<record/>",
        record.format(id="0704.0004", title="Last", v="v2"),
    ]
    body = (
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>'
        + "".join(records)
        + "<resumptionToken>next</resumptionToken></ListRecords></OAI-PMH>"
    ).encode()
    page = parse_list_records(body, "oai")
    assert [(p.arxiv_id, p.version) for p in page.papers] == [("0704.0001", 1), ("0704.0004", 2)]
    assert page.resumption_token == "next"
    assert len(page.rejected) == 3
    assert "0704.0002 has no title" in page.rejected[0]
    assert "0704.0003" in page.rejected[1] and "unreadable version" in page.rejected[1]
    assert "without <header>" in page.rejected[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "John Smith, Jr., Alice Jones and Bob Lee",
            [("John Smith Jr.", None), ("Alice Jones", None), ("Bob Lee", None)],
        ),
        (
            "A. Mishchenko (1 and 2), N. Nagaosa (1) ((1) AIST, (2) Kurchatov)",
            [
                ("A. Mishchenko", "AIST; Kurchatov"),
                ("N. Nagaosa", "AIST"),
            ],
        ),
        ("Ada Lovelace, Alan Turing, et al.", [("Ada Lovelace", None), ("Alan Turing", None)]),
        (
            "Ewine van Dishoeck (Leiden, Sterrewacht), {\\O}rsted",
            [("Ewine van Dishoeck", "Leiden, Sterrewacht"), ("Ørsted", None)],
        ),
        ("", []),
    ],
)
def test_split_authors_rules(text: str, expected: list) -> None:
    assert [(a.name, a.affiliation) for a in split_authors(text)] == expected


def test_rfc822_version_dates() -> None:
    assert parse_rfc822_utc("Mon, 2 Apr 2007 19:18:42 GMT") == datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)
    assert parse_rfc822_utc("Tue, 16 Jan 2024 00:00:00 -0500") == datetime(2024, 1, 16, 5, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_rfc822_utc("yesterday")
