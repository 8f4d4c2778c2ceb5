"""Keyword evidence for recommendations: word pairs, consensus across library papers, and the library paper
a pick's reason names."""

from __future__ import annotations

import numpy as np

from paperboy.rank.keyword_evidence import KeywordEvidence
from paperboy.rank.recommend import DenseSpace, ProfileItem, recommend


def test_a_phrase_beats_its_words_apart() -> None:
    evidence = KeywordEvidence(
        [
            "the cache of a kv store and its eviction",  # both words, not as the phrase
            "kv cache eviction for long prompts",
            "protein folding",
        ]
    )
    scores = evidence.scores("kv cache")
    assert scores[1] > scores[0] > scores[2] == 0
    assert KeywordEvidence(["the", "a"]).scores("the cat").tolist() == [0, 0]  # a window with no words


def test_words_several_library_papers_share_outweigh_one_papers_repeats() -> None:
    """Five papers about speculative decoding, one of which also talks at length about robots: a window's
    paper about speculative decoding ranks above its paper about robots."""
    library = [f"speculative decoding with draft models, study {n}" for n in range(4)]
    library.append("speculative decoding for robots: robots robots robots robots robots robots robots")
    candidates = ["robots learn to grasp with robots", "speculative decoding with a small draft model"]
    evidence = KeywordEvidence(candidates)
    scores = evidence.consensus(evidence.bags(library), [1.0] * len(library))
    assert scores[1] == 1.0 and scores[0] < 0.5
    assert evidence.each(1, evidence.bags(["draft models", "robots"])).tolist()[1] == 0


def test_the_reason_names_the_library_paper_the_pick_shares_words_with() -> None:
    """Two library papers close in meaning (one interest) but about different things: a pick about KV
    caches is explained by the KV-cache paper even where its vector sits nearer the other one."""
    kv = ProfileItem("KV cache eviction", "saved", 1.0, _unit(1, 0.2), "kv cache eviction for long context")
    moe = ProfileItem("Mixture of experts routing", "saved", 1.0, _unit(1, 0.3), "mixture of experts routing")
    texts = ["kv cache eviction heads for long context inference", "a survey of image classifiers"]
    candidates = DenseSpace(np.stack([_unit(1, 0.31), _unit(0, 1)]))
    picks = recommend(
        candidates,
        [kv, moe],
        np.zeros(2, np.float32),
        np.ones(2, bool),
        k=2,
        keyword=KeywordEvidence([f"{t} {t}" for t in texts]),
    )
    assert [p.index for p in picks] == [0]  # the classifier survey shares no words: no filler
    assert "KV cache eviction" in picks[0].reason


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)
