"""Every parser of outside data, fuzzed for a fixed budget: valid records or the documented rejection.

Each target (see ``targets.py``) is run with random and structure-aware inputs under the ``fuzz`` profile.
The explicit examples below are the crashes the fuzzers found, kept so they can never come back; each line
says what the parser did before its fix.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given

from tests.fuzz.profiles import fuzz_settings
from tests.fuzz.snapshot_stream import SnapshotCase
from tests.fuzz.targets import all_targets

HF = {"id": "2401.00001", "title": "A title"}
SNAP = b'{"id": "0704.0001", "title": "A title", '
ATOM = (
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001%s</id>'
    b"<title>T</title>%s</entry></feed>"
)
OAI = (
    b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record><header>'
    b"<identifier>oai:arXiv.org:0704.0001</identifier></header><metadata>"
    b'<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>0704.0001</id><title>T</title>'
    b'<version version="%s"><date>%s</date></version>'
    b"</arXivRaw></metadata></record></ListRecords></OAI-PMH>"
)
DATE = b"Mon, 2 Apr 2007 19:18:42 GMT"
RSS = (
    b'<rss xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><item><title>T</title>'
    b"<guid>oai:arXiv.org:2401.04088v1</guid><arxiv:announce_type>new</arxiv:announce_type>"
    b"<pubDate>%s</pubDate></item></channel></rss>"
)

EXAMPLES: dict[str, list[object]] = {
    "hf_daily/random-bytes": [
        b"[" * 5000,  # RecursionError out of json.loads
        b"[" + b"9" * 5000 + b"]",  # ValueError: integer string longer than 4,300 digits
    ],
    "hf_daily/mutated-json": [
        [{"paper": {**HF, "projectPage": {"value": "https://x.org"}}}],  # a dict stored as project_page
        [{"paper": {**HF, "authors": [{"name": 5}]}}],  # an author with an empty name
        [{"paper": {**HF, "authors": 5}}],  # TypeError: 'int' object is not iterable
        [{"paper": {**HF, "upvotes": 10**30}}],  # too large for the upvotes column
        [
            {"paper": HF, "thumbnail": 4.5e16, "submittedBy": {"name": "a", "fullname": ["JGC"]}}
        ],  # wrong types
        [{"paper": {**HF, "organization": {"name": "o", "fullname": {"x": 1}}}}],  # a dict as a name
        [
            {"paper": {**HF, "title": "a\x00b\ud800", "summary": "\x00"}}
        ],  # NUL, lone surrogate reached the store
        [{"paper": {**HF, "publishedAt": "9999-12-31T23:59:59-23:59"}}],  # OverflowError in parse_iso
        [{"paper": {**HF, "publishedAt": "0001-01-01T00:00:00Z"}}],  # year 1: unreadable from SQLite
    ],
    "snapshot/random-bytes": [b"[" * 5000],  # RecursionError out of json.loads
    "snapshot/mutated-json": [
        SNAP + b'"categories": ["hep-th"]}',  # AttributeError: 'list' object has no attribute 'split'
        SNAP + b'"versions": [{"version": {"a": 1}}]}',  # TypeError: unhashable type: 'slice'
        SNAP + b'"versions": [{"version": ["v1"]}]}',  # TypeError: int() argument ... not 'list'
        SNAP + b'"versions": [{"version": "v1", "created": ["Mon, 2 Apr 2007 19:18:42 GMT"]}]}',  # split
        SNAP + b'"versions": [{"version": 5}]}',  # TypeError: 'int' object is not subscriptable
        SNAP + b'"versions": 2147483647}',  # TypeError: 'int' object is not iterable
        SNAP + b'"authors": 5}',  # TypeError in decode_tex_accents
        SNAP + b'"versions": [{"version": "v99999999999"}]}',  # version too large for its column
        SNAP + b'"abstract": "\\u0000\\udc00"}',  # NUL and a lone surrogate reached the store
        SNAP + b'"versions": [{"version": "v1", "created": "Mon, 1 Jan 0001 00:00:00 GMT"}]}',  # year 1
    ],
    "arxiv_atom/mutated-xml": [
        ATOM % (b"", b"<published>9999-12-31T23:59:59-23:59</published>"),  # OverflowError in astimezone
        ATOM % (b"v99999999999", b""),  # version too large for its column
        ATOM % (b"", b"<updated>0999-12-31T00:00:00Z</updated>"),  # year 999: unreadable from SQLite
    ],
    "oai_pmh/mutated-xml": [
        OAI % (b"v" + b"9" * 5000, DATE),  # ValueError: integer string longer than 4,300 digits
        OAI % (b"v99999999999", DATE),  # version too large for its column
        OAI % (b"v1", b"Mon, 2 Apr 2007 99999999999999999999:18:42 GMT"),  # OverflowError in the fast path
    ],
    "arxiv_rss/mutated-xml": [
        RSS % b"Mon, 1 Jan 99999999999999999999 00:00:00 GMT",  # OverflowError in parsedate_to_datetime
        RSS % b"Mon, 1 Jan 0001 00:00:00 +0000",  # announced in the year 1: unreadable from SQLite
    ],
    "library/random-text": [
        "[" * 10000,  # RecursionError out of json.loads (issue 10, item 8)
        '{"items": null}',  # TypeError: 'NoneType' object is not iterable (issue 10, item 8)
        '{"items": 5}',  # TypeError: 'int' object is not iterable
        "[" + "9" * 5000 + "]",  # ValueError: integer string longer than 4,300 digits
        "quant\x1e-ph/0201082",  # imported '-ph/0201082', which is no arXiv id
    ],
    "markdown/random-text": ["x \ud800 y"],  # UnicodeEncodeError out of nh3 for a lone surrogate
    "library/good-around-bad": [
        ("HEP-TH/9901001\n10.48550/arXiv.1605.08386", ["1605.08386"]),  # imported a non-canonical id
        ("2401.00001\n@a{\n2409.15700", ["2401.00001", "2409.15700"]),  # read as BibTeX: nothing imported
    ],
}


TARGETS = {target.name: target for target in all_targets()}
assert set(EXAMPLES) <= set(TARGETS)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_parser_keeps_its_promise_on_hostile_input(name: str) -> None:
    target = TARGETS[name]

    def run(value: object) -> None:
        target.check(value)

    for value in reversed(EXAMPLES.get(name, [])):
        run = example(value)(run)
    fuzz_settings()(given(target.inputs)(run))()


def test_snapshot_case_keeps_good_lines_when_the_bad_one_is_first() -> None:
    good = [SNAP + b'"versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]}']
    SnapshotCase(good=good, bad=b'{"id": 5}', at=0, batch_size=1).check()
