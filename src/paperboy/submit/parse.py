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

from paperboy import arxiv_ids
from paperboy.errors import BadRequest

MESSAGE = "Paste an arXiv id like 2509.21268 or a link to arxiv.org or huggingface.co/papers"
ASCII_SPACE = " \t\r\n\f\v"  # forgiven at the ends; Unicode spaces (U+2028, NBSP …) are not
MAX_LENGTH = 300  # the longest real link (old-style id, version, .pdf, a tracking query) is far shorter


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
    found = arxiv_ids.parse(text)  # the one grammar every module shares (paperboy.arxiv_ids)
    if found is None:
        raise BadRequest(MESSAGE)
    return found.id
