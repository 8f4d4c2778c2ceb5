"""arXiv identifiers in every spelling people paste, recognised by one grammar.

A paper's identity is its arXiv id without version. Ids reach us bare (``2509.21268``, ``2509.21268v2``,
``hep-th/9901001``, ``math.GT/0309136``), prefixed (``arXiv:…``, ``oai:arXiv.org:…``), as links to arxiv.org
(``/abs/``, ``/pdf/``, ``/html/``; ``export.`` and ``www.`` hosts) or huggingface.co/papers, and as arXiv
DOIs (``10.48550/arXiv.2509.21268``, also as a doi.org link). ``parse`` matches a whole string against that
whitelist of shapes (plain ASCII only, so a link can never smuggle in another host); ``find`` looks for an id
inside longer text (a BibTeX field, a note). Every module that reads ids goes through here.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# New-style ids (0704.0001, 2509.21268) and old-style ids (hep-th/9901001, math.GT/0309136).
NEW_STYLE = r"\d{4}\.\d{4,5}"
OLD_STYLE = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ID = rf"(?P<id>{NEW_STYLE}|{OLD_STYLE})(?:v(?P<version>[1-9]\d{{0,3}}))?"
_SCHEME = r"(?:(?i:https?)://)?"
# A query or fragment (``?utm_source=…``, ``#comments``) is allowed and ignored; it is never followed.
_TAIL = r"/?(?:[?#][A-Za-z0-9\-._~!$&'()*+,;=:@/?%#]*)?"
_SHAPES = [
    re.compile(r"(?:(?i:oai:arxiv\.org:|arxiv:))?" + _ID, re.ASCII),
    re.compile(
        _SCHEME + r"(?i:(?:www\.|export\.)?arxiv\.org)/(?:abs|pdf|html)/" + _ID + r"(?:\.pdf)?" + _TAIL,
        re.ASCII,
    ),
    re.compile(_SCHEME + r"(?i:(?:www\.)?huggingface\.co)/papers/" + _ID + _TAIL, re.ASCII),
    re.compile(
        r"(?:(?i:doi:)|" + _SCHEME + r"(?i:(?:dx\.)?doi\.org)/)?10\.48550/(?i:arxiv)\." + _ID + _TAIL,
        re.ASCII,
    ),
]
# Inside free text: a link or DOI that carries an id, else an id not glued to other word characters.
_ANY_ID = rf"(?P<id>{NEW_STYLE}|(?i:[a-z][a-z\-]*(?:\.[a-z]{{2}})?)/\d{{7}})"
_IN_LINK = re.compile(
    r"(?i:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|10\.48550/arxiv\.)" + _ANY_ID
)
_IN_TEXT = re.compile(r"(?<![\w./])" + _ANY_ID + r"(?:v\d+)?(?!\w)", re.ASCII)
_NEW_STYLE = re.compile(NEW_STYLE, re.ASCII)


class ArxivId(NamedTuple):
    """An id without version (the paper's identity) and the version written, if any."""

    id: str
    version: int | None


def _canonical(raw_id: str) -> str:
    """Old-style archives are lower case and subject classes upper case (``math.GT/0309136``)."""
    if "/" not in raw_id:
        return raw_id
    archive, number = raw_id.split("/", 1)
    name, _, subject = archive.partition(".")
    return f"{name.lower()}.{subject.upper()}/{number}" if subject else f"{name.lower()}/{number}"


def parse(text: str) -> ArxivId | None:
    """The id behind ``text`` when the whole string (ASCII whitespace at the ends forgiven) is one spelling
    of an arXiv id; otherwise None. Never raises."""
    if not isinstance(text, str) or len(text) > 3000:
        return None
    text = text.strip(" \t\r\n\f\v")
    if not text or not text.isascii() or not text.isprintable():
        return None
    if _NEW_STYLE.fullmatch(text):  # the common case, without trying every shape
        return ArxivId(text, None)
    for shape in _SHAPES:
        match = shape.fullmatch(text)
        if match:
            version = match.group("version")
            return ArxivId(_canonical(match.group("id")), int(version) if version else None)
    return None


def find(text: str | None) -> str | None:
    """The first arXiv id (without version) written anywhere inside ``text``, or None."""
    if not text:
        return None
    match = _IN_LINK.search(text) or _IN_TEXT.search(text)
    return _canonical(match.group("id")) if match else None


def split(raw: str) -> tuple[str, int | None]:
    """(id without version, version or None); ValueError for anything that is not an arXiv id."""
    found = parse(raw)
    if found is None:
        raise ValueError(f"not an arXiv id: {raw!r}")
    return found.id, found.version
