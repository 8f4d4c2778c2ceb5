"""Every parser of outside data as a fuzz target: what to feed it and what must hold of the answer.

``tests/fuzz/test_parsers.py`` runs each target for a fixed number of examples in ``make test``;
``bench/fuzz.py`` runs the same targets for minutes and counts crashes. A check returns normally when the
parser kept its promise and raises (``AssertionError`` or the parser's own exception) when it did not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from hypothesis import strategies as st

from paperboy.digest.library_import import MAX_ITEMS, Imported, NotALibrary, parse_library
from paperboy.errors import IngestError
from paperboy.ingest.arxiv_atom import AtomPage, parse_atom_feed
from paperboy.ingest.arxiv_rss import ANNOUNCE_TYPES, parse_listing_feed
from paperboy.ingest.hf_daily import day_batch
from paperboy.ingest.oai_pmh import OaiPage, parse_list_records
from paperboy.ingest.snapshot import parse_snapshot_line
from paperboy.models import Batch, Failure, split_arxiv_id
from paperboy.text.markdown import MAX_COMMENT_LENGTH, render_comment
from tests.fuzz import seeds
from tests.fuzz.library_inputs import libraries, library_texts
from tests.fuzz.markdown_inputs import comments
from tests.fuzz.mutate import any_char, byte_edits, dumps, mutated_json, mutated_xml
from tests.fuzz.oracles import check_comment_html, check_entry, check_paper, rejects_only_cleanly
from tests.fuzz.snapshot_stream import snapshot_files
from tests.fuzz.xml_records import DamagedFeed, damaged_feeds

DAY = date(2025, 1, 2)
ATOM_ENTRY = f"{seeds.ATOM_NS}entry"
OAI_RECORD = f"{seeds.OAI_NS}ListRecords/{seeds.OAI_NS}record"
random_bytes = st.binary(max_size=4096)
random_text_bytes = st.text(any_char, max_size=2048).map(lambda s: s.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class Target:
    """One parser under one kind of input."""

    name: str
    inputs: st.SearchStrategy
    check: Callable[[object], None]


def check_hf_day(body: bytes) -> Batch | Failure:
    """A day lands whole or is refused with a reason: never half a day, never an exception."""
    result = rejects_only_cleanly(lambda: day_batch(body, DAY, "day.json", "hf"), ())
    assert isinstance(result, Batch | Failure), type(result)
    if isinstance(result, Failure):
        assert result.reason and result.label == "day.json"
        return result
    assert len(result.papers) == len(result.entries)
    for paper in result.papers:
        check_paper(paper)
    for entry in result.entries:
        check_entry(entry)
    return result


def check_hf_day_doc(doc: object) -> None:
    result = check_hf_day(dumps(doc))
    if isinstance(result, Batch):
        assert isinstance(doc, list) and len(result.papers) == len(doc), "an accepted day lost entries"


def check_atom(body: bytes) -> None:
    page = rejects_only_cleanly(lambda: parse_atom_feed(body, "api"), (IngestError,))
    if isinstance(page, IngestError):
        assert page.label == "api" and page.reason
        return
    assert isinstance(page, AtomPage)
    for paper in page.papers:
        check_paper(paper)


def check_oai(body: bytes) -> None:
    page = rejects_only_cleanly(lambda: parse_list_records(body, "oai"), (IngestError,))
    if isinstance(page, IngestError):
        assert page.label == "oai" and page.reason
        return
    assert isinstance(page, OaiPage)
    for paper in page.papers:
        check_paper(paper)
    for deleted in page.deleted_ids:
        assert split_arxiv_id(deleted) == (deleted, None)
    assert page.resumption_token is None or isinstance(page.resumption_token, str)


def check_listing(body: bytes) -> None:
    page = rejects_only_cleanly(lambda: parse_listing_feed(body, "rss"), (IngestError,))
    if isinstance(page, IngestError):
        assert page.label == "rss" and page.reason
        return
    assert all(isinstance(reason, str) and reason for reason in page.rejected)
    for item in page.items:
        check_paper(item.paper)
        assert item.announce_type in ANNOUNCE_TYPES
        assert type(item.announced_on) is date and item.paper.announced_on == item.announced_on


def atom_ids(body: bytes) -> list[str]:
    return [paper.arxiv_id for paper in parse_atom_feed(body, "api").papers]


def oai_ids(body: bytes) -> list[str]:
    page = parse_list_records(body, "oai")
    return [paper.arxiv_id for paper in page.papers] + page.deleted_ids


def listing_ids(body: bytes) -> list[str]:
    return [item.paper.arxiv_id for item in parse_listing_feed(body, "rss").items]


def keeps_good_records(ids_of: Callable[[bytes], list[str]]) -> Callable[[DamagedFeed], None]:
    """The check for one format: a damaged record costs only itself, never its page."""

    def check(feed: DamagedFeed) -> None:
        got = rejects_only_cleanly(lambda: ids_of(feed.body), (IngestError,))
        if isinstance(got, IngestError):
            # Damage can turn an entry into arXiv's own error entry, which rightly refuses the whole response.
            assert b"<title>Error</title>" in feed.body, f"one bad record cost its whole page: {got}"
            return
        missing = [arxiv_id for arxiv_id in feed.wanted if arxiv_id not in got]
        assert not missing, f"good records lost around a bad one: {missing}"

    return check


def check_snapshot_line(line: bytes) -> None:
    paper = rejects_only_cleanly(lambda: parse_snapshot_line(line, "snap:1"), (IngestError,))
    if isinstance(paper, IngestError):
        assert paper.label == "snap:1" and paper.reason
        return
    check_paper(paper)


def check_library(text: str) -> Imported | None:
    """A pasted library never raises anything but the documented refusal of JSON that is no library (a clear
    400 on the page); otherwise each unreadable entry is skipped and counted."""
    result = rejects_only_cleanly(lambda: parse_library(text), (NotALibrary,))
    if isinstance(result, NotALibrary):
        assert str(result)
        return None
    assert isinstance(result, Imported)
    assert len(result.items) <= MAX_ITEMS and result.skipped >= 0
    for arxiv_id, title in result.items:
        assert split_arxiv_id(arxiv_id) == (arxiv_id, None), f"imported id {arxiv_id!r} is not canonical"
        assert title is None or isinstance(title, str)
    return result


def check_library_keeps_good(case: tuple[str, list[str]]) -> None:
    """A broken entry among good ones costs only itself."""
    text, wanted = case
    imported = check_library(text)
    assert imported is not None, "a library with good entries was refused as a whole"
    got = {arxiv_id for arxiv_id, _ in imported.items}
    missing = [arxiv_id for arxiv_id in wanted if arxiv_id not in got]
    assert not missing, f"good entries lost around a bad one: {missing}"


def check_comment(source: str) -> None:
    check_comment_html(rejects_only_cleanly(lambda: render_comment(source), ()))


def _hf_days() -> st.SearchStrategy:
    return st.lists(st.sampled_from(seeds.hf_entries()), min_size=1, max_size=3)


def _snapshot_lines() -> st.SearchStrategy:
    return mutated_json(st.sampled_from(seeds.snapshot_objects())).map(dumps)


def all_targets() -> list[Target]:
    """Built lazily: the seeds are read from ``../shared/data`` only when a fuzzer actually runs."""
    atom_seeds, oai_seeds, listing_seeds = seeds.atom_feeds(), seeds.oai_pages(), seeds.listing_feeds()
    atom, oai, listing = (st.sampled_from(s) for s in (atom_seeds, oai_seeds, listing_seeds))
    atom_damage = damaged_feeds(atom_seeds, (ATOM_ENTRY,), atom_ids)
    oai_damage = damaged_feeds(oai_seeds, (OAI_RECORD,), oai_ids)
    listing_damage = damaged_feeds(listing_seeds, ("channel/item", ATOM_ENTRY), listing_ids)
    return [
        Target("hf_daily/random-bytes", random_bytes | random_text_bytes, lambda body: check_hf_day(body)),
        Target("hf_daily/mutated-json", mutated_json(_hf_days()), check_hf_day_doc),
        Target("hf_daily/byte-edits", byte_edits(_hf_days().map(dumps)), lambda body: check_hf_day(body)),
        Target("arxiv_atom/random-bytes", random_bytes | random_text_bytes, check_atom),
        Target("arxiv_atom/mutated-xml", mutated_xml(atom), check_atom),
        Target("arxiv_atom/byte-edits", byte_edits(atom), check_atom),
        Target("arxiv_atom/good-around-bad", atom_damage, keeps_good_records(atom_ids)),
        Target("oai_pmh/random-bytes", random_bytes | random_text_bytes, check_oai),
        Target("oai_pmh/mutated-xml", mutated_xml(oai), check_oai),
        Target("oai_pmh/byte-edits", byte_edits(oai), check_oai),
        Target("oai_pmh/good-around-bad", oai_damage, keeps_good_records(oai_ids)),
        Target("arxiv_rss/random-bytes", random_bytes | random_text_bytes, check_listing),
        Target("arxiv_rss/mutated-xml", mutated_xml(listing), check_listing),
        Target("arxiv_rss/byte-edits", byte_edits(listing), check_listing),
        Target("arxiv_rss/good-around-bad", listing_damage, keeps_good_records(listing_ids)),
        Target("snapshot/random-bytes", random_bytes | random_text_bytes, check_snapshot_line),
        Target("snapshot/mutated-json", _snapshot_lines(), check_snapshot_line),
        Target("snapshot/byte-edits", byte_edits(_snapshot_lines()), check_snapshot_line),
        Target("snapshot/good-around-bad", snapshot_files(), lambda case: case.check()),
        Target("library/random-text", st.text(any_char, max_size=4096), lambda text: check_library(text)),
        Target("library/mutated", library_texts(), lambda text: check_library(text)),
        Target("library/good-around-bad", libraries(), check_library_keeps_good),
        Target("markdown/random-text", st.text(any_char, max_size=MAX_COMMENT_LENGTH), check_comment),
        Target("markdown/hostile", comments(), check_comment),
    ]
