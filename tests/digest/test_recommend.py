"""Recommendations: the pure ranking (profile, dislikes, diversity, reasons), library import formats, and the
/subscriptions, /for-you and Atom pages of a signed-in reader (never the same paper twice)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from lxml import etree
from sqlalchemy.engine import Engine

from paperboy.digest.build import Pool, window
from paperboy.digest.library_import import parse_library
from paperboy.digest.outbox import weights
from paperboy.digest.personal import PoolRecommender
from paperboy.rank.diversity import mmr
from paperboy.rank.keyword_evidence import KeywordEvidence
from paperboy.rank.recommend import DenseSpace, KeywordSpace, ProfileItem, item_weight, recommend
from paperboy.store import digests, feed
from paperboy.store.schema import papers, recommendations, subscriptions, users
from paperboy.store.votes import set_vote
from tests.auth.conftest import confirm, csrf, log_in, sign_up
from tests.sites import make_site

NOW = datetime(2025, 9, 26, tzinfo=UTC)


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_close_papers_win_dislikes_push_down_and_every_pick_has_a_reason() -> None:
    space = DenseSpace(np.stack([_unit(1, 0, 0), _unit(0.9, 0.1, 0), _unit(0, 1, 0), _unit(0, 0, 1)]))
    liked = ProfileItem("Attention is all you need", "upvote", 1.0, _unit(1, 0, 0))
    disliked = ProfileItem("Crypto paper", "not_interested", -1.0, _unit(0, 0, 1))
    picks = recommend(
        space, [liked, disliked], np.zeros(4, np.float32), np.ones(4, bool), k=3, trending_weight=0
    )
    assert [p.index for p in picks][:1] == [0]
    assert 3 not in [p.index for p in picks[:2]]
    assert all("Attention is all you need" in p.reason and "upvoted" in p.reason for p in picks)
    allowed = np.array([False, True, True, True])
    assert 0 not in [p.index for p in recommend(space, [liked], np.zeros(4, np.float32), allowed, k=3)]


def test_diversity_skips_near_duplicates() -> None:
    sims = np.array([[1, 0.99, 0.1], [0.99, 1, 0.1], [0.1, 0.1, 1]])
    assert mmr([1.0, 0.98, 0.6], sims, 2, lam=0.5) == [0, 2]
    assert mmr([1.0, 0.98, 0.6], sims, 2, lam=1.0) == [0, 1]


def test_recent_items_weigh_more_and_keywords_work_without_vectors() -> None:
    assert item_weight("saved", NOW, NOW) > item_weight("saved", NOW - timedelta(days=365), NOW) > 0
    assert item_weight("not_interested", NOW, NOW) < 0
    space = KeywordSpace(["kv cache compression for llm inference", "protein folding with diffusion", "cats"])
    item = ProfileItem(
        "KV cache eviction", "imported", 1.0, text="kv cache eviction for long context inference"
    )
    picks = recommend(space, [item], np.zeros(3, np.float32), np.ones(3, bool), k=1)
    assert picks[0].index == 0 and "have in your library" in picks[0].reason


def test_library_formats() -> None:
    bib = """@article{a, title={Attention Is {All} You Need}, eprint={1706.03762}, archivePrefix={arXiv}}
    @inproceedings{b, title={No arXiv here}, booktitle={X}}
    @misc{c, title={Old}, url={https://arxiv.org/abs/hep-th/9901001v2}}"""
    parsed = parse_library(bib)
    assert parsed.format == "bibtex" and parsed.skipped == 1
    assert parsed.items == [("1706.03762", "Attention Is All You Need"), ("hep-th/9901001", "Old")]
    csl = json.dumps(
        [{"title": "T", "URL": "http://arxiv.org/abs/2509.21268v1"}, {"DOI": "10.48550/arXiv.2401.00001"}]
    )
    assert [i for i, _ in parse_library(csl).items] == ["2509.21268", "2401.00001"]
    ids = parse_library("2509.21268\narXiv:2401.00001v3\nnot an id\n2509.21268")
    assert [i for i, _ in ids.items] == ["2509.21268", "2401.00001"] and ids.skipped == 1


def test_for_you_page_feed_and_digest_settings(papers_engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        papers_engine,
        tmp_path,
    )
    client = site.client()
    sign_up(site, client)
    assert confirm(client, site.last_link("/verify")).status_code == 303
    assert log_in(client).status_code == 303
    with papers_engine.begin() as conn:
        user_id = conn.execute(sa.select(users.c.id).where(users.c.username == "ada")).scalar_one()
        liked = conn.execute(
            sa.text("SELECT id FROM papers WHERE title LIKE '%Reasoning%' ORDER BY id LIMIT 2")
        )
        for (pid,) in liked:
            set_vote(conn, user_id, pid, True)
    token = csrf(client, "/subscriptions")
    saved = client.post(
        "/subscriptions",
        data={"csrf_token": token, "frequency": "weekly", "hour": "7", "timezone": "Europe/Paris",
              "searches": "kv cache\nreasoning", "categories": "cs.CL", "authors": "", "organizations": "",
              "recommend": "1"},
    )  # fmt: skip
    assert saved.status_code == 200 and "weekly" in saved.text
    with papers_engine.connect() as conn:
        sub = conn.execute(sa.select(subscriptions).where(subscriptions.c.user_id == user_id)).one()
    assert (sub.status, sub.frequency, sub.hour, sub.timezone) == ("active", "weekly", 7, "Europe/Paris")
    assert sub.follows["searches"] == ["kv cache", "reasoning"]
    imported = client.post("/library/import", data={"csrf_token": token, "library": "1706.03762\n2509.21268"})
    assert "Imported 2" in imported.text
    page = client.get("/for-you")
    assert page.status_code == 200 and page.text.count("Why:") >= 3 and "which you upvoted" in page.text
    with papers_engine.connect() as conn:
        first = conn.execute(sa.select(sa.func.count()).select_from(recommendations)).scalar_one()
    client.get("/for-you")  # a second visit the same day records nothing new
    with papers_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(recommendations)).scalar_one() == first
    assert 'href="/settings#private-feed"' in page.text
    made = client.post("/settings/feed", data={"csrf_token": token})
    feed_url = re.search(r"<code>http://testserver(/for-you/[\w.\-]+\.atom)</code>", made.text)
    assert feed_url, made.text
    atom = etree.fromstring(client.get(feed_url.group(1)).content)
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == first
    assert client.get(feed_url.group(1)[:-8] + "xx.atom").status_code == 404
    arxiv_id = re.search(r'name="arxiv_id" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    done = client.post("/library/not-interested", data={"csrf_token": token, "arxiv_id": arxiv_id})
    assert done.status_code in (200, 303)
    assert client.post("/library/save", data={"arxiv_id": arxiv_id}).status_code == 403  # CSRF kept


def test_two_interests_each_get_picks_named_after_their_own_library_paper() -> None:
    """Two unrelated interests: a centroid would sit between them and match neither; clusters match both,
    each pick names the library paper of its own interest, and off-topic papers stay out even when
    trending."""
    kv_a, kv_b = _unit(1, 0.1, 0, 0), _unit(1, 0, 0.1, 0)
    video = _unit(0, 0, 0, 1)
    candidates = np.stack(
        [_unit(1, 0.05, 0.05, 0), _unit(0.1, 0, 0, 1), _unit(0, 1, 0, 0), _unit(0, 0, 1, 0.1)]
    )
    profile = [
        ProfileItem("KV cache eviction", "saved", 1.0, kv_a),
        ProfileItem("KV cache quantization", "saved", 1.0, kv_b),
        ProfileItem("Video diffusion", "saved", 1.0, video),
    ]
    trending = np.array([0, 0, 1, 1], dtype=np.float32)  # the off-topic papers are the trending ones
    picks = recommend(DenseSpace(candidates), profile, trending, np.ones(4, bool), k=4, trending_weight=0.3)
    assert sorted(p.index for p in picks) == [0, 1]  # the floor keeps 2 and 3 out: fewer picks, no filler
    reasons = {p.index: p.reason for p in picks}
    assert "KV cache" in reasons[0] and "Video diffusion" in reasons[1]
    assert all("trending" not in r for r in reasons.values())  # trending was not why they were picked


def test_keyword_evidence_lifts_shared_terms_and_the_library_does_not_set_its_scale() -> None:
    texts = ["kv cache eviction heads", "kv cache quantization", "protein folding", "kv cache eviction"]
    evidence = KeywordEvidence(texts)
    allowed = np.array([True, True, True, False])  # the last one is the library paper itself
    scores = evidence.scores("kv cache eviction", allowed)
    assert scores[0] == pytest.approx(1.0) and scores[2] == 0 and scores[1] < scores[0] < scores[3]
    assert KeywordEvidence([]).scores("anything").shape == (0,)


def test_not_interested_keeps_a_paper_out_of_later_picks(papers_engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(papers_engine, tmp_path)
    reader = site.add_user("ada")
    client = site.client("ada")
    with papers_engine.begin() as conn:
        liked = conn.execute(
            sa.text("SELECT id FROM papers WHERE title LIKE '%Reasoning%' ORDER BY id LIMIT 2")
        )
        for (pid,) in liked:
            set_vote(conn, reader, pid, True)
    # What /for-you would pick now, computed the way it computes it but without recording anything.
    now = datetime.now(UTC)
    with papers_engine.connect() as conn:
        period = feed.latest_day(conn).isoformat()  # type: ignore[union-attr]
        pool = Pool(digests.candidates(conn, *window(period)), now, weights(site.settings))
    best = PoolRecommender(papers_engine, site.settings, pool, now)(reader, set(), 10)[0].paper_id
    with papers_engine.connect() as conn:
        best_id = conn.execute(sa.select(papers.c.arxiv_id).where(papers.c.id == best)).scalar_one()

    marked = client.form("/library/not-interested", {"arxiv_id": best_id})
    assert marked.status_code == 303
    page = client.get("/for-you")
    with papers_engine.connect() as conn:
        picked = {pid for (pid,) in conn.execute(sa.select(recommendations.c.paper_id))}
    assert len(picked) >= 3, "the reader still gets picks"
    assert best not in picked and f"/papers/{best_id}" not in page.text
