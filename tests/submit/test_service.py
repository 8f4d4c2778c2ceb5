"""submit_paper end to end on SQLite and PostgreSQL, against a local server replaying arXiv's answers."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.errors import BadRequest
from paperboy.models import DailyEntry, Paper
from paperboy.store.feed import feed
from paperboy.store.papers import get_paper
from paperboy.store.papers_write import upsert_entries, upsert_papers
from paperboy.store.schema import papers
from paperboy.submit import rules
from paperboy.submit.parse import MESSAGE
from paperboy.submit.service import fetch_paper, make_submit_client, submit_paper
from tests.submit.conftest import (
    API,
    KNOWN,
    RECENT,
    TITLE,
    counts,
    id_query,
    make_user,
    recording,
    submit_settings,
)
from tests.upstream import Reply, Upstream


def asked_for(arxiv: Upstream) -> list[str]:
    return [seen.query.get("id_list", "?") for seen in arxiv.requests]


def test_submit_features_the_paper_today_with_its_submitter(engine: Engine, arxiv: Upstream) -> None:
    settings = submit_settings(engine, arxiv)
    ada = make_user(engine, "ada")
    link = "https://arxiv.org/abs/1605.08386v1"
    assert submit_paper(engine, settings, ada, link, today=RECENT) == "1605.08386"
    assert asked_for(arxiv) == ["1605.08386"]
    assert "paperboy/" in arxiv.requests[0].headers["User-Agent"]
    with engine.connect() as conn:
        (item,) = feed(conn, RECENT, RECENT)
        view = get_paper(conn, "1605.08386")
    assert item.view.paper.title == TITLE and item.source == "submission"
    assert item.submitter is not None and item.submitter.username == "ada"
    assert item.submitted_at is not None and item.submitted_at.date() == RECENT
    assert view is not None and view.featured_on == [RECENT]
    assert view.paper.version == 1
    assert view.paper.submitted_at == datetime(2016, 5, 26, 17, 59, 46, tzinfo=UTC)
    assert [a.name for a in view.paper.authors][:1] == ["Caprice Stanley"]


def test_duplicates_are_refused_saying_who_and_when(engine: Engine, arxiv: Upstream) -> None:
    settings = submit_settings(engine, arxiv)
    ada, bob = make_user(engine, "ada"), make_user(engine, "bob")
    submit_paper(engine, settings, ada, "1605.08386", today=RECENT)
    before = counts(engine)
    with pytest.raises(rules.AlreadyFeatured) as same_day:
        submit_paper(engine, settings, bob, "https://huggingface.co/papers/1605.08386", today=RECENT)
    assert str(same_day.value) == "1605.08386 is already on today's feed, submitted by ada."
    assert same_day.value.status_code == 409 and same_day.value.link == "/papers/1605.08386"
    later = RECENT + timedelta(days=3)
    with pytest.raises(rules.AlreadyFeatured) as next_days:
        submit_paper(engine, settings, bob, "arXiv:1605.08386v1", today=later)
    assert str(next_days.value) == (
        "1605.08386 was already featured on Jun 1, 2016, submitted by ada; a paper is featured only once."
    )
    assert next_days.value.day == RECENT and next_days.value.submitter == "ada"
    assert counts(engine) == before and asked_for(arxiv) == ["1605.08386"]


def test_a_paper_imported_from_hugging_face_counts_as_featured(engine: Engine, arxiv: Upstream) -> None:
    with engine.begin() as conn:
        upsert_papers(conn, [Paper(arxiv_id="1707.08567", title="From the daily papers")])
        upsert_entries(conn, [DailyEntry(date(2017, 7, 28), "1707.08567", "huggingface")])
    with pytest.raises(rules.AlreadyFeatured, match="featured on Jul 28, 2017, imported from Hugging Face"):
        submit_paper(engine, submit_settings(engine, arxiv), make_user(engine, "ada"), "1707.08567")
    assert arxiv.requests == []


def test_daily_cap_counts_the_users_submissions_of_the_utc_day(engine: Engine, arxiv: Upstream) -> None:
    settings = submit_settings(engine, arxiv, submission_daily_cap=1, submission_max_age_days=100_000)
    ada, bob = make_user(engine, "ada"), make_user(engine, "bob")
    submit_paper(engine, settings, ada, "1605.08386", today=RECENT)
    with pytest.raises(rules.DailyCapReached) as capped:
        submit_paper(engine, settings, ada, "astro-ph/0601001", today=RECENT)
    message = str(capped.value)
    assert message.startswith("You have already submitted 1 paper today, the most one person may submit")
    assert "after midnight UTC" in message
    assert capped.value.status_code == 429 and capped.value.retry_after >= 60
    assert asked_for(arxiv) == ["1605.08386"], "a capped submission never reaches arXiv"
    assert submit_paper(engine, settings, bob, "astro-ph/0601001", today=RECENT) == "astro-ph/0601001"
    assert submit_paper(engine, settings, ada, "1707.08567", today=date(2017, 8, 1)) == "1707.08567"


def test_too_old_by_first_version_date(engine: Engine, arxiv: Upstream) -> None:
    ada = make_user(engine, "ada")
    before = datetime.now(UTC).date()
    with pytest.raises(rules.TooOld) as old:
        submit_paper(engine, submit_settings(engine, arxiv), ada, "1605.08386")  # today: years later
    # The service's today is the test's before or after the call (they differ only across midnight UTC).
    ages = {(day - KNOWN["1605.08386"]).days for day in (before, datetime.now(UTC).date())}
    assert str(old.value) in {
        f"This paper was first posted {age} days ago; only papers from the last 30 days can be featured."
        for age in ages
    }
    strict = submit_settings(engine, arxiv, submission_max_age_days=5)
    with pytest.raises(rules.TooOld, match="first posted 6 days ago; only papers from the last 5 days"):
        submit_paper(engine, strict, ada, "1605.08386", today=RECENT)
    assert counts(engine) == (0, 0)
    assert old.value.status_code == 422


def test_unknown_and_malformed_ids(engine: Engine, arxiv: Upstream) -> None:
    settings = submit_settings(engine, arxiv)
    ada = make_user(engine, "ada")
    for missing in ("0000.0000", "https://arxiv.org/abs/0808.05394"):
        with pytest.raises(rules.NoSuchPaper) as unknown:
            submit_paper(engine, settings, ada, missing, today=RECENT)
        assert str(unknown.value).startswith("arXiv has no paper " + missing.rsplit("/", 1)[-1] + ".")
        assert unknown.value.status_code == 404
    assert asked_for(arxiv) == ["0000.0000", "0808.05394"]
    for bad in ("abc", "https://arxiv.org@evil.example/abs/1605.08386", "1605.08386\nhttps://evil.example"):
        with pytest.raises(BadRequest) as refused:
            submit_paper(engine, settings, ada, bad, today=RECENT)
        assert str(refused.value) == MESSAGE
    assert len(arxiv.requests) == 2, "malformed input never reaches the network"
    assert counts(engine) == (0, 0)


def test_arxiv_rejecting_the_id_reads_as_no_such_paper(engine: Engine, arxiv: Upstream) -> None:
    error_body = json.loads(recording("abc").read_text())["body"]  # "incorrect id format for abc"
    arxiv.add(API, id_query("1234.56789"), Reply(400, error_body.encode()))
    with pytest.raises(rules.NoSuchPaper, match="arXiv has no paper 1234.56789"):
        submit_paper(engine, submit_settings(engine, arxiv), make_user(engine, "ada"), "1234.56789")


def test_arxiv_down_stores_nothing_and_says_so(engine: Engine) -> None:
    with Upstream() as arxiv:
        arxiv.add(API, id_query("1605.08386"), Reply(503, b"Service Unavailable"))
        settings = submit_settings(engine, arxiv)
        with pytest.raises(rules.ArxivUnavailable) as down:
            submit_paper(engine, settings, make_user(engine, "ada"), "1605.08386", today=RECENT)
        attempts = len(arxiv.requests)
    assert str(down.value) == "arXiv did not answer, try again in a few minutes. Nothing was submitted."
    assert down.value.status_code == 503 and down.value.retry_after > 0
    assert attempts == 3, "a person is waiting: two retries, not the ingest's six"
    assert counts(engine) == (0, 0)


def test_unreadable_answer_is_an_outage_not_a_paper(engine: Engine) -> None:
    with Upstream() as arxiv:
        arxiv.add(API, id_query("1605.08386"), Reply(200, b"<html>maintenance</html>"))
        with pytest.raises(rules.ArxivUnavailable):
            submit_paper(engine, submit_settings(engine, arxiv), make_user(engine, "ada"), "1605.08386")
    assert counts(engine) == (0, 0)


def test_an_unreadable_entry_for_the_id_is_an_outage_not_a_missing_paper(engine: Engine) -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry>
      <id>http://arxiv.org/abs/1605.08386v1</id><title></title></entry></feed>"""
    with Upstream() as arxiv:
        arxiv.add(API, id_query("1605.08386"), Reply(200, body))
        with pytest.raises(rules.ArxivUnavailable):
            submit_paper(engine, submit_settings(engine, arxiv), make_user(engine, "ada"), "1605.08386")
    assert counts(engine) == (0, 0)


def test_stored_arxiv_metadata_skips_the_fetch(engine: Engine, arxiv: Upstream) -> None:
    settings = submit_settings(engine, arxiv)
    with make_submit_client(settings) as client:
        paper = fetch_paper(client, settings.arxiv_api_url, "1605.08386")
    with engine.begin() as conn:
        upsert_papers(conn, [paper])
    arxiv.requests.clear()
    ada = make_user(engine, "ada")
    assert submit_paper(engine, settings, ada, "1605.08386", today=RECENT) == "1605.08386"
    assert arxiv.requests == []
    assert counts(engine) == (1, 1)


def test_a_hidden_paper_cannot_be_featured(engine: Engine, arxiv: Upstream) -> None:
    with engine.begin() as conn:
        upsert_papers(conn, [Paper(arxiv_id="1605.08386", title="Hidden")])
        conn.execute(sa.update(papers).values(hidden_at=sa.func.current_timestamp()))
    with pytest.raises(rules.PaperHidden, match="A moderator has hidden 1605.08386"):
        ada = make_user(engine, "ada")
        submit_paper(engine, submit_settings(engine, arxiv), ada, "1605.08386", today=RECENT)
    assert arxiv.requests == []


def _race(n: int, work) -> list[object]:  # type: ignore[no-untyped-def]
    """Run ``work(i)`` in n threads released at once; collect results or exceptions."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _store_known(engine: Engine, settings) -> None:  # type: ignore[no-untyped-def]
    with make_submit_client(settings) as client:
        fetched = [fetch_paper(client, settings.arxiv_api_url, arxiv_id) for arxiv_id in KNOWN]
    with engine.begin() as conn:
        upsert_papers(conn, fetched)


def test_simultaneous_submissions_of_one_paper_feature_it_once(engine: Engine, arxiv: Upstream) -> None:
    settings = submit_settings(engine, arxiv)
    _store_known(engine, settings)
    people = [make_user(engine, f"user{i}") for i in range(8)]
    results = _race(8, lambda i: submit_paper(engine, settings, people[i], "1605.08386", today=RECENT))
    assert results.count("1605.08386") == 1, results
    assert all(isinstance(r, rules.AlreadyFeatured) for r in results if r != "1605.08386"), results
    assert counts(engine)[1] == 1


def test_simultaneous_submissions_by_one_user_respect_the_cap(engine: Engine, arxiv: Upstream) -> None:
    settings = submit_settings(engine, arxiv, submission_daily_cap=2, submission_max_age_days=100_000)
    _store_known(engine, settings)
    ada = make_user(engine, "ada")
    ids = list(KNOWN)
    results = _race(len(ids), lambda i: submit_paper(engine, settings, ada, ids[i], today=RECENT))
    assert sum(isinstance(r, str) for r in results) == 2, results
    assert all(isinstance(r, rules.DailyCapReached) for r in results if not isinstance(r, str)), results
    assert counts(engine)[1] == 2
