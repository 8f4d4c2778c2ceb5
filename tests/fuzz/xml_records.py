"""Feeds with one damaged record among good ones: the XML parsers must keep every good record around it.

The damage stays inside the chosen record (its text, attributes and children), so what the page as a whole
says is untouched; the record itself may become unreadable, and then only it may be missing from the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st
from lxml import etree

from tests.fuzz.mutate import XML_ATTRS, XML_TAGS, nasty_text, xml_safe

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class DamagedFeed:
    body: bytes
    wanted: tuple[str, ...]  # ids of the undamaged records, parsed from the feed without the damaged one


def _record_path(seed: bytes, paths: tuple[str, ...]) -> str | None:
    """The path that finds at least two records in ``seed`` (a feed with one record has no neighbours)."""
    root = etree.fromstring(seed, parser=_PARSER)
    return next((path for path in paths if len(root.findall(path)) >= 2), None)


@st.composite
def damaged_feeds(
    draw: st.DrawFn, seeds: tuple[bytes, ...], paths: tuple[str, ...], ids_of: Callable[[bytes], list[str]]
) -> DamagedFeed:
    """A real feed with one record damaged, and the ids the parser must still return."""
    usable = [(seed, path) for seed in seeds if (path := _record_path(seed, paths))]
    seed, path = draw(st.sampled_from(usable))
    root = etree.fromstring(seed, parser=_PARSER)
    records = root.findall(path)
    index = draw(st.integers(0, len(records) - 1))
    target = records[index]
    without = etree.fromstring(seed, parser=_PARSER)
    gone = without.findall(path)[index]
    gone.getparent().remove(gone)
    wanted = tuple(ids_of(etree.tostring(without)))
    for _ in range(draw(st.integers(1, 4))):
        node = draw(st.sampled_from([e for e in target.iter() if isinstance(e.tag, str)]))
        action = draw(st.sampled_from(("text", "attr", "remove", "rename", "child")))
        namespace = etree.QName(node).namespace
        if action == "text":
            node.text = xml_safe(draw(nasty_text))
        elif action == "attr":
            node.set(draw(st.sampled_from(XML_ATTRS)), xml_safe(draw(nasty_text)))
        elif action == "remove" and node is not target:
            node.getparent().remove(node)
        elif action == "rename" and node is not target:
            local = draw(st.sampled_from(XML_TAGS))
            node.tag = f"{{{namespace}}}{local}" if namespace else local
        elif action == "child":
            local = draw(st.sampled_from(XML_TAGS))
            child = etree.SubElement(node, f"{{{namespace}}}{local}" if namespace else local)
            child.text = xml_safe(draw(nasty_text))
    return DamagedFeed(etree.tostring(root, xml_declaration=True, encoding="UTF-8"), wanted)
