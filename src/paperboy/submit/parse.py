"""What a person pastes into the submit box → a canonical arXiv id, before anything touches the network.

The box accepts what people copy: a bare id (``2509.21268``, ``2509.21268v2``, ``arXiv:2509.21268``,
``hep-th/9901001``) or a link to the paper on arxiv.org (``/abs/``, ``/pdf/``, ``/html/``, ``export.`` and
``www.`` hosts) or on huggingface.co/papers. Everything else is refused with one clear message.

The grammar is a whitelist matched against the whole string, not a URL parser: a parser would have to be
trusted to agree with browsers about userinfo (``https://arxiv.org@evil.example/…``), backslashes, IDN
lookalikes and Unicode case folding (``ſ`` folds to ``s``, ``K`` to ``k``), and the safest answer to all of
them is that only plain ASCII in one of a few exact shapes gets through. The link itself is never fetched:
only the id is kept, and only the configured arXiv API is asked about it.
"""

from __future__ import annotations

import re

from paperboy.errors import BadRequest
from paperboy.models import split_arxiv_id

MESSAGE = "Paste an arXiv id like 2509.21268 or a link to arxiv.org or huggingface.co/papers"
ASCII_SPACE = " \t\r\n\f\v"  # forgiven at the ends; Unicode spaces (U+2028, NBSP …) are not
MAX_LENGTH = 300  # the longest real link (old-style id, version, .pdf, a tracking query) is far shorter

# The same id grammar as models.split_arxiv_id, with a bounded version number.
_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v[1-9]\d{0,3})?"
_SCHEME = r"(?:(?i:https?)://)?"
# A query or fragment (``?utm_source=…``, ``#comments``) is allowed and ignored; it is never followed.
_TAIL = r"/?(?:[?#][A-Za-z0-9\-._~!$&'()*+,;=:@/?%#]*)?"
_SHAPES = [
    re.compile(r"(?:(?i:arxiv):)?" + _ID, re.ASCII),
    re.compile(
        _SCHEME + r"(?i:(?:www\.|export\.)?arxiv\.org)/(?:abs|pdf|html)/" + _ID + r"(?:\.pdf)?" + _TAIL,
        re.ASCII,
    ),
    re.compile(_SCHEME + r"(?i:(?:www\.)?huggingface\.co)/papers/" + _ID + _TAIL, re.ASCII),
]


def canonical_id(text: str) -> str:
    """The arXiv id without version behind ``text``; raise ``BadRequest`` for anything else.

    Leading and trailing ASCII whitespace (a pasted line break) is forgiven; whitespace or control characters
    inside, non-ASCII characters, unknown hosts, ports, userinfo and over-long input are not.
    """
    if not isinstance(text, str) or len(text) > 10 * MAX_LENGTH:
        raise BadRequest(MESSAGE)
    text = text.strip(ASCII_SPACE)
    if not text or len(text) > MAX_LENGTH or not text.isascii() or not text.isprintable():
        raise BadRequest(MESSAGE)
    for shape in _SHAPES:
        match = shape.fullmatch(text)
        if match:
            arxiv_id = match.group("id")
            # Belt and braces: whatever we return, the rest of the code must agree that it is an id.
            if split_arxiv_id(arxiv_id) != (arxiv_id, None):
                raise BadRequest(MESSAGE)
            return arxiv_id
    raise BadRequest(MESSAGE)
