"""Safe XML parsing and text clean-up shared by the arXiv Atom, OAI-PMH and RSS parsers.

Every upstream body is untrusted: a hostile or broken proxy could send an entity bomb or an external entity
that points at a local file. The parser therefore never resolves entities, never loads a DTD, never touches
the network, keeps libxml2's size limits on, and refuses any document that declares entities at all (arXiv
never does), so no later ``itertext()`` or XPath ``string()`` can expand one either.
"""

from __future__ import annotations

from lxml import etree

from paperboy.errors import IngestError

__all__ = ["clean_text", "find_text", "local_name", "parse_xml"]


def _new_parser() -> etree.XMLParser:
    # lxml parsers keep per-parse state and are not thread-safe; a fresh one per call costs microseconds.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, label: str) -> etree._Element:
    """Parse ``data`` and return the root element; raise ``IngestError(label, ...)`` for anything unusable.

    ``label`` names the file or URL so that an operator reading the error knows which response was bad.
    """
    if not data or not data.strip():
        raise IngestError(label, "malformed XML: empty document")
    try:
        root = etree.fromstring(data, parser=_new_parser())
    except etree.XMLSyntaxError as exc:
        raise IngestError(label, f"malformed XML: {exc.msg or exc}") from exc
    if root is None:  # pragma: no cover - lxml raises for an empty document, kept as a guard
        raise IngestError(label, "malformed XML: no root element")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise IngestError(label, "malformed XML: entity declarations are not allowed")
    return root


def clean_text(text: str | None) -> str:
    """Strip and collapse every run of whitespace to one space ("" for ``None``).

    arXiv hard-wraps titles and abstracts, and some recorded samples are re-indented; users want one line.
    """
    if not text:
        return ""
    return " ".join(text.split())


def find_text(parent: etree._Element, path: str) -> str | None:
    """Cleaned text of the first ``path`` under ``parent``; ``None`` when absent or blank.

    ``None`` (not "") matters: a field a source does not fill must never erase what another source said.
    """
    node = parent.find(path)
    if node is None:
        return None
    return clean_text(node.text) or None


def local_name(element: etree._Element) -> str:
    """Tag without its ``{namespace}`` (for error messages and format detection)."""
    return etree.QName(element).localname
