"""Hypothesis strategies that damage real samples the way upstreams, proxies and disks do.

Three layers, from blind to structure-aware: random bytes and text; byte edits of a real sample (truncation,
spliced garbage, repeated slices, deep nesting, entity declarations); and edits of the parsed sample (a JSON
value or an XML element deleted, duplicated, retyped, renamed or filled with a hostile value). The hostile
values are the ones that break parsers in practice: NUL, lone surrogates, dates at the edge of the calendar,
numbers too large for a database column, TeX and parenthesis soup for the author splitter.
"""

from __future__ import annotations

import json
import re

from hypothesis import strategies as st
from lxml import etree

from tests.fuzz.seeds import fresh

NASTY_STRINGS = (
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\ufeff", "\u202e", "𝔘𝔫𝔦", "\r\n\t",
    "{'id': '2401.00001', 'title': 'repr'}", "None", "null", "[]", "{}", "NaN", "-1", "1e999",
    "2401.00001", "2401.00001v2", "2401.00001v99999999999", "hep-th/9901001v0", "HEP-TH/9901001",
    "math.GT/0309136", "arXiv:", "oai:arXiv.org:", "https://arxiv.org/abs/", "http://example.org/x",
    "v", "v-1", "v1.5", "v99999999999999999999", "0kb", "I",
    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "2024-02-30T00:00:00Z", "2024-10-25",
    "Fri, 31 Dec 9999 23:59:59 -2359", "Mon, 1 Jan 0001 00:00:00 +2359", "Mon, 2 Apr 2007 19:18:42 GMT",
    "Mon, 99 Foo 2007 25:61:61 GMT", "1 Jan 99999999999999999999 00:00:00 GMT",
    "\\", "\\'", "\\v{", "\\'{\\i}", "{\\l}", "(((", ")))", "((1) Univ A, (2) Univ B)", "A (1, 2) and",
    ", , and and ,", "et al.", "Jr.", "arXiv:2401.00001v1 Announce Type: new Abstract: x",
    "<script>alert(1)</script>", "]]>", "&amp;", "x" * 5000,
)  # fmt: skip
NASTY_INTS = (0, -1, 2**31 - 1, 2**31, -(2**31) - 1, 2**63, 10**30, -(10**30))
JSON_KEYS = (
    "paper", "id", "title", "summary", "authors", "name", "hidden", "publishedAt", "submittedOnDailyAt",
    "submittedBy", "submittedOnDailyBy", "fullname", "avatarUrl", "avatar", "user", "organization",
    "upvotes", "numComments", "githubRepo", "githubStars", "projectPage", "ai_summary", "ai_keywords",
    "thumbnail", "versions", "version", "created", "authors_parsed", "categories", "abstract", "doi",
    "journal-ref", "comments", "license", "items", "URL", "DOI", "number", "note", "archive_location",
)  # fmt: skip
XML_TAGS = (
    "entry", "id", "title", "summary", "author", "name", "affiliation", "category", "primary_category",
    "published", "updated", "link", "doi", "journal_ref", "comment", "totalResults", "startIndex",
    "itemsPerPage", "record", "header", "identifier", "metadata", "arXivRaw", "arXiv", "version", "date",
    "size", "source_type", "authors", "forenames", "keyname", "suffix", "created", "error",
    "resumptionToken", "ListRecords", "GetRecord", "item", "channel", "guid", "description", "pubDate",
    "creator", "announce_type", "rights", "lastBuildDate",
)  # fmt: skip
XML_ATTRS = ("term", "version", "href", "rel", "title", "code", "status", "completeListSize", "cursor")
_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Any code point, lone surrogates included: hypothesis leaves those out of text() unless asked.
any_char = st.characters() | st.characters(categories=["Cs"])
nasty_text = st.sampled_from(NASTY_STRINGS) | st.text(any_char, max_size=40)
json_leaves = (
    st.none() | st.booleans() | st.integers() | st.sampled_from(NASTY_INTS) | st.floats() | nasty_text
)
json_values = st.recursive(
    json_leaves,
    lambda kids: (
        st.lists(kids, max_size=3)
        | st.dictionaries(st.sampled_from(JSON_KEYS) | st.text(max_size=8), kids, max_size=3)
    ),
    max_leaves=8,
)


def _slots(doc: object) -> list[tuple[dict | list, object]]:
    """Every (container, key) below the root, so a mutation can reach any value in the document."""
    found: list[tuple[dict | list, object]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        pairs = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in pairs:
            found.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return found


@st.composite
def mutated_json(draw: st.DrawFn, seeds: st.SearchStrategy[object], max_edits: int = 4) -> object:
    """A real JSON document with a few values deleted, duplicated, retyped or replaced by hostile ones."""
    doc = fresh(draw(seeds))
    for _ in range(draw(st.integers(1, max_edits))):
        slots = _slots(doc)
        if not slots:
            break
        hot = [s for s in slots if s[1] in JSON_KEYS]
        container, key = draw(st.sampled_from(hot if hot and draw(st.booleans()) else slots))
        action = draw(st.sampled_from(("replace", "delete", "duplicate", "wrap", "stringify")))
        if action == "replace":
            container[key] = draw(json_values)
        elif action == "delete":
            del container[key]
        elif action == "duplicate" and isinstance(container, list):
            container.insert(key, fresh(container[key]))
        elif action == "wrap":
            container[key] = draw(st.sampled_from(([container[key]], {"value": container[key]})))
        else:
            container[key] = repr(container[key]) if draw(st.booleans()) else str(container[key])
    return doc


def dumps(doc: object) -> bytes:
    """JSON bytes; lone surrogates survive as ``\\ud800`` escapes, the way a real upstream can send them."""
    return json.dumps(doc, ensure_ascii=True, allow_nan=True).encode("ascii")


@st.composite
def byte_edits(draw: st.DrawFn, seeds: st.SearchStrategy[bytes], max_edits: int = 3) -> bytes:
    """Raw damage to serialised data: truncation, spliced garbage, repeated slices, deep nesting."""
    data = bytearray(draw(seeds))
    for _ in range(draw(st.integers(1, max_edits))):
        at = draw(st.integers(0, len(data)))
        action = draw(
            st.sampled_from(("truncate", "insert", "overwrite", "repeat", "nest", "digits", "entity"))
        )
        if action == "truncate":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16) | st.sampled_from(_SPLICES))
        elif action == "overwrite" and at < len(data):
            data[at : at + 1] = draw(st.binary(min_size=1, max_size=1))
        elif action == "repeat":
            end = min(len(data), at + draw(st.integers(1, 64)))
            data[at:at] = data[at:end] * draw(st.integers(2, 50))
        elif action == "nest":
            depth = draw(st.sampled_from((10, 300, 5000, 60000)))
            opener, closer = draw(st.sampled_from(((b"[", b"]"), (b'{"a":', b"}"), (b"<a>", b"</a>"))))
            data[at:at] = opener * depth + closer * depth
        elif action == "digits":
            data[at:at] = b"9" * draw(st.sampled_from((20, 400, 5000)))
        else:
            data[0:0] = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "boom">]>'
    return bytes(data)


_SPLICES = (
    b"\x00", b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\\ud800", b"\\u0000", b"&#0;", b"&#xD800;", b"&e;",
    b"<![CDATA[", b"]]>", b"<!--", b"-->", b"</entry>", b"<entry>", b"</record>", b'"', b"'", b",", b"}",
    b"]", b"\n", b"\r\n",
)  # fmt: skip


def xml_safe(text: str) -> str:
    """``text`` without the code points XML 1.0 forbids (lxml refuses to store them in a tree)."""
    return _XML_INVALID.sub("", text)


@st.composite
def mutated_xml(draw: st.DrawFn, seeds: st.SearchStrategy[bytes], max_edits: int = 4) -> bytes:
    """A real XML document with elements removed, duplicated, renamed, moved or filled with hostile text."""
    root = etree.fromstring(draw(seeds), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for _ in range(draw(st.integers(1, max_edits))):
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        node = draw(st.sampled_from(elements))
        action = draw(st.sampled_from(("remove", "text", "attr", "duplicate", "rename", "child", "move")))
        parent = node.getparent()
        if action == "remove" and parent is not None:
            parent.remove(node)
        elif action == "text":
            node.text = xml_safe(draw(nasty_text))
        elif action == "attr":
            node.set(draw(st.sampled_from(XML_ATTRS)), xml_safe(draw(nasty_text)))
        elif action == "duplicate" and parent is not None:
            parent.insert(parent.index(node), fresh(node))
        elif action == "rename":
            namespace = etree.QName(node).namespace
            local = draw(st.sampled_from(XML_TAGS))
            node.tag = f"{{{namespace}}}{local}" if namespace else local
        elif action == "child":
            namespace = etree.QName(node).namespace
            local = draw(st.sampled_from(XML_TAGS))
            child = etree.SubElement(node, f"{{{namespace}}}{local}" if namespace else local)
            child.text = xml_safe(draw(nasty_text))
        elif action == "move" and parent is not None:
            target = draw(st.sampled_from(elements))
            if node not in target.iterancestors() and target is not node:
                target.append(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
