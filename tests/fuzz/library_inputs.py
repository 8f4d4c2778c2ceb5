"""Pasted personal libraries for the import fuzzers: BibTeX, id lists and CSL-JSON, good and broken.

A good entry names a real arXiv id in one of the ways people paste it (bare, ``arXiv:``, an abs or pdf URL,
the arXiv DOI, a BibTeX ``eprint``); a broken entry is whatever a careless export or a fuzzer produces.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

from tests.fuzz.mutate import byte_edits, json_values, nasty_text

IDS = (
    "2401.00001", "2409.15700", "0704.0001", "1605.08386", "2608.18115", "hep-th/9901001",
    "math.GT/0309136", "astro-ph/0601001", "quant-ph/0201082",
)  # fmt: skip
_BROKEN_BIBTEX = (
    "@article{broken, title={unbalanced", "@misc{", "@{}", "@article{k, eprint = {}}", "}}}}", "@@@",
    '@misc{q, title = "unterminated', "@article{x, archivePrefix={arXiv}, eprint={not-an-id}}",
    "@comment{ @article{inner, eprint={2401.99999}} }",
)  # fmt: skip


def id_line(arxiv_id: str, form: int) -> str:
    forms = (
        arxiv_id,
        f"arXiv:{arxiv_id}",
        f"https://arxiv.org/abs/{arxiv_id}v2",
        f"https://arxiv.org/pdf/{arxiv_id}",
        f"10.48550/arXiv.{arxiv_id}",
    )
    return forms[form % len(forms)]


def bibtex_entry(arxiv_id: str, form: int, n: int) -> str:
    forms = (
        f"eprint = {{{arxiv_id}}}, archivePrefix = {{arXiv}}",
        f'url = "https://arxiv.org/abs/{arxiv_id}"',
        f"doi = {{10.48550/arXiv.{arxiv_id}}}",
        f"journal = {{arXiv preprint arXiv:{arxiv_id}}}",
    )
    field = forms[form % len(forms)]
    return f"@article{{key{n},\n  title = {{A {{Title}} {n}}},\n  {field},\n  year = 2024\n}}"


def csl_entry(arxiv_id: str, form: int) -> dict:
    key = ("URL", "DOI", "number", "note")[form % 4]
    value = {"URL": f"https://arxiv.org/abs/{arxiv_id}", "DOI": f"10.48550/arXiv.{arxiv_id}",
             "number": f"arXiv:{arxiv_id}", "note": f"arXiv: {arxiv_id}"}[key]  # fmt: skip
    return {"type": "article", "title": f"Paper {arxiv_id}", key: value}


@st.composite
def libraries(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A library of good entries with one broken entry somewhere among them, and the ids it must yield."""
    wanted = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=5, unique=True))
    forms = [draw(st.integers(0, 19)) for _ in wanted]
    kind = draw(st.sampled_from(("ids", "bibtex", "csl")))
    at = draw(st.integers(0, len(wanted)))
    if kind == "ids":
        lines = [id_line(i, f) for i, f in zip(wanted, forms, strict=True)]
        bad = draw(nasty_text).replace("\n", " ").replace("\r", " ")
        lines.insert(at, bad)
        return "\n".join(lines), wanted
    if kind == "bibtex":
        entries = [bibtex_entry(i, f, n) for n, (i, f) in enumerate(zip(wanted, forms, strict=True))]
        entries.insert(at, draw(st.sampled_from(_BROKEN_BIBTEX) | nasty_text))
        return "\n\n".join(entries), wanted
    items: list[object] = [csl_entry(i, f) for i, f in zip(wanted, forms, strict=True)]
    items.insert(at, draw(json_values))
    doc = items if draw(st.booleans()) else {"items": items}
    return json.dumps(doc), wanted


def library_texts() -> st.SearchStrategy[str]:
    """Good libraries with raw damage (truncated, spliced, nested ``[[[[``), decoded leniently like a form."""
    return byte_edits(libraries().map(lambda case: case[0].encode("utf-8", "surrogatepass"))).map(
        lambda data: data.decode("utf-8", "replace")
    )
