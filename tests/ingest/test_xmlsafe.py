"""Safe XML parsing: hostile documents must fail fast and loudly, never expand or read local files."""

from __future__ import annotations

import pytest

from paperboy.errors import IngestError
from paperboy.ingest.arxiv_atom import parse_atom_feed
from paperboy.ingest.xmlsafe import clean_text, find_text, parse_xml
from tests.conftest_data import fixture_bytes


def test_parses_a_well_formed_document() -> None:
    root = parse_xml(b"<a><b>  hello \n  world </b><c>   </c></a>", "inline")
    assert root.tag == "a"
    assert find_text(root, "b") == "hello world"
    assert find_text(root, "c") is None  # blank is "not said", never an empty value
    assert find_text(root, "missing") is None


def test_malformed_xml_names_the_label_and_the_problem() -> None:
    with pytest.raises(IngestError) as info:
        parse_xml(b"<feed><entry></feed>", "https://export.arxiv.org/api/query?id_list=1")
    assert info.value.label == "https://export.arxiv.org/api/query?id_list=1"
    assert info.value.reason.startswith("malformed XML: ")
    assert "mismatch" in info.value.reason
    assert str(info.value).startswith("https://export.arxiv.org/api/query?id_list=1: malformed XML")


@pytest.mark.parametrize("body", [b"", b"   \n", b"not xml at all"])
def test_empty_or_non_xml_bodies_are_refused(body: bytes) -> None:
    with pytest.raises(IngestError, match="malformed XML"):
        parse_xml(body, "empty.xml")


def test_billion_laughs_is_refused_without_expansion() -> None:
    """Refused as an entity bomb (libxml2's amplification limit, or our ban on entity declarations), never
    expanded: the refusal names entities, and no expanded text reaches the error."""
    with pytest.raises(IngestError) as info:
        parse_xml(fixture_bytes("xml_billion_laughs.xml"), "bomb.xml")
    assert info.value.label == "bomb.xml"
    assert info.value.reason.startswith("malformed XML: ") and "entit" in info.value.reason.lower()
    assert "lollol" not in str(info.value)


def test_a_small_entity_expansion_is_refused_too() -> None:
    """Even a harmless-looking internal entity is refused: a later XPath string() could expand it."""
    body = b'<!DOCTYPE a [<!ENTITY e "expanded">]><a>&e;</a>'
    with pytest.raises(IngestError, match="entity declarations are not allowed"):
        parse_xml(body, "entity.xml")


def test_external_entity_never_reads_local_files() -> None:
    with pytest.raises(IngestError) as info:
        parse_xml(fixture_bytes("xml_external_entity.xml"), "xxe.xml")
    assert "root:" not in str(info.value)
    # And through a real parser entry point: no paper whose title is /etc/passwd.
    with pytest.raises(IngestError):
        parse_atom_feed(fixture_bytes("xml_external_entity.xml"), "xxe.xml")


def test_clean_text_collapses_all_whitespace() -> None:
    assert clean_text(
        "  Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large\n  Connectivity Limit"
    ) == ("Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit")
    assert clean_text("a\t\tb\r\nc\u00a0d") == "a b c d"
    assert clean_text(None) == ""
    assert clean_text("   ") == ""
