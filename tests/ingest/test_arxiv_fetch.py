"""arXiv fetch loops against a local server replaying recorded arXiv responses."""

from __future__ import annotations

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.engine import Engine

from paperboy.ingest.arxiv_fetch import (
    OAI_DONE,
    fetch_ids,
    fetch_listings,
    fetch_oai,
    fetch_query,
    oai_source,
)
from paperboy.ingest.http import PoliteClient
from paperboy.ingest.runner import run
from paperboy.models import Batch, Failure
from paperboy.store.checkpoints import load_checkpoints
from paperboy.store.papers import get_paper
from paperboy.store.schema import papers
from tests.conftest import FIXTURES, SHARED_DATA
from tests.upstream import Reply, Upstream

RECORDED = SHARED_DATA / "arxiv_api_atom" / "arxiv.py_fixtures"
OAI = SHARED_DATA / "arxiv_oai_pmh"
API = "/api/query"


def client(**kw: object) -> PoliteClient:
    return PoliteClient(user_agent="paperboy-test", retries=2, backoff=0.01, **kw)  # type: ignore[arg-type]


def paper_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()


def test_ids_including_old_style_and_a_malformed_one(engine: Engine) -> None:
    with Upstream() as arxiv:
        for name in ("id_1605.08386", "id_astro-ph_0601001", "id_abc"):
            arxiv.add_recorded(next(RECORDED.glob(f"{name}_s0_m100_*.json")))
        items = []
        with client() as http:
            for ids in (["1605.08386"], ["astro-ph/0601001"], ["abc"]):
                items += list(fetch_ids(http, arxiv.url + API, ids, "arxiv-api"))
    good = [i for i in items if isinstance(i, Batch)]
    (bad,) = [i for i in items if isinstance(i, Failure)]
    assert [p.arxiv_id for b in good for p in b.papers] == ["1605.08386", "astro-ph/0601001"]
    assert "id_list=abc" in bad.label and "incorrect id format for abc" in bad.reason


def test_query_pages_resume_and_an_empty_page_is_retried(engine: Engine) -> None:
    with Upstream() as arxiv:
        for start in (0, 10, 20, 30, 40):
            data = arxiv.add_recorded(next(RECORDED.glob(f"q_testing_s{start}_m10_*.json")))
        empty = data["body"].split("<entry>")[0] + "</feed>"
        query = {
            "search_query": "testing",
            "id_list": "",
            "sortBy": "relevance",
            "sortOrder": "descending",
            "start": 20,
            "max_results": 10,
        }
        real_page = arxiv.routes[(API, tuple(sorted((k, str(v)) for k, v in query.items())))].pop()
        arxiv.add(API, query, Reply(200, empty.encode()), real_page)
        with client() as http:
            first = run(
                engine,
                "arxiv-api",
                fetch_query(
                    http, arxiv.url + API, "testing", "arxiv-api", 30, sort_by="relevance", page_size=10
                ),
                "q",
                interactive=False,
            )
            with engine.connect() as conn:
                resume = int(load_checkpoints(conn, "arxiv-api")["testing"])
            second = run(
                engine,
                "arxiv-api",
                fetch_query(
                    http,
                    arxiv.url + API,
                    "testing",
                    "arxiv-api",
                    50,
                    resume_from=resume,
                    sort_by="relevance",
                    page_size=10,
                ),
                "q",
                interactive=False,
            )
        starts = [r.query["start"] for r in arxiv.requests]
    assert first.ok and first.papers == 30 and resume == 30
    assert starts == ["0", "10", "20", "20", "30", "40"]
    assert second.papers == 20 and paper_count(engine) == 50


def test_oai_harvest_follows_tokens_marks_deletions_and_resumes(engine: Engine) -> None:
    first_page = (OAI / "litpuvn_ListRecords_arXivRaw_2016-10-20.xml").read_bytes()
    last_page = (FIXTURES / "oai_arXiv_ListRecords_last_page.xml").read_bytes()
    source = oai_source("arXivRaw", "cs", "2016-10-20", None)
    with Upstream() as arxiv:
        arxiv.add(
            "/oai",
            {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "set": "cs", "from": "2016-10-20"},
            Reply(200, first_page),
        )
        arxiv.add(
            "/oai",
            {"verb": "ListRecords", "resumptionToken": "1403493|1001"},
            Reply(503),
            Reply(200, last_page),
        )
        with client() as http:
            # hep-th/9901001 is deleted on the last page: it is kept and marked withdrawn.
            from paperboy.models import Paper
            from paperboy.store.ingest_sink import commit_batch

            commit_batch(
                engine, Batch(label="seed", papers=[Paper(arxiv_id="hep-th/9901001", title="Old", version=1)])
            )
            report = run(
                engine,
                source,
                fetch_oai(http, arxiv.url + "/oai", "arXivRaw", "cs", "2016-10-20", None, None),
                "oai",
                interactive=False,
            )
            with engine.connect() as conn:
                assert load_checkpoints(conn, source) == {"resumption": OAI_DONE}
                withdrawn = get_paper(conn, "hep-th/9901001")
            again = list(fetch_oai(http, arxiv.url + "/oai", "arXivRaw", "cs", "2016-10-20", None, OAI_DONE))
    assert report.ok and report.batches == 2
    assert paper_count(engine) == 387 + 2 + 1
    assert withdrawn is not None and withdrawn.paper.withdrawn
    assert again == []


def test_oai_harvest_reports_an_unreadable_record_and_goes_on(engine: Engine) -> None:
    root = etree.fromstring((OAI / "litpuvn_ListRecords_arXivRaw_2016-10-20.xml").read_bytes())
    raw = "{http://arxiv.org/OAI/arXivRaw/}"
    broken = root.find(f".//{raw}arXivRaw")
    broken_id = broken.findtext(f"{raw}id")
    broken.find(f"{raw}title").text = " "
    last_page = (FIXTURES / "oai_arXiv_ListRecords_last_page.xml").read_bytes()
    with Upstream() as arxiv:
        arxiv.add(
            "/oai", {"verb": "ListRecords", "metadataPrefix": "arXivRaw"}, Reply(200, etree.tostring(root))
        )
        arxiv.add("/oai", {"verb": "ListRecords", "resumptionToken": "1403493|1001"}, Reply(200, last_page))
        with client() as http:
            report = run(
                engine,
                oai_source("arXivRaw", None, None, None),
                fetch_oai(http, arxiv.url + "/oai", "arXivRaw", None, None, None, None),
                "oai",
                interactive=False,
            )
        with engine.connect() as conn:
            assert get_paper(conn, broken_id) is None
            done = load_checkpoints(conn, oai_source("arXivRaw", None, None, None))
    assert report.batches == 2 and paper_count(engine) == 386 + 2
    [failure] = report.failures
    assert f"record {broken_id} has no title" in failure.reason and "resumptionToken" not in failure.label
    assert done == {"resumption": OAI_DONE}


def test_oai_expired_saved_token_restarts_the_harvest(engine: Engine) -> None:
    bad_token = (FIXTURES / "oai_error_badResumptionToken.xml").read_bytes()
    last_page = (FIXTURES / "oai_arXiv_ListRecords_last_page.xml").read_bytes()
    with Upstream() as arxiv:
        arxiv.add("/oai", {"verb": "ListRecords", "resumptionToken": "stale"}, Reply(200, bad_token))
        arxiv.add("/oai", {"verb": "ListRecords", "metadataPrefix": "arXiv"}, Reply(200, last_page))
        with client() as http:
            items = list(fetch_oai(http, arxiv.url + "/oai", "arXiv", None, None, None, "stale"))
    assert [type(i).__name__ for i in items] == ["Batch"] and items[0].checkpoint.value == OAI_DONE


def test_listing_feeds_rss_and_atom(engine: Engine) -> None:
    with Upstream() as arxiv:
        arxiv.add("/rss/cs.LG", {}, Reply(200, (FIXTURES / "arxiv_rss_cs_LG.xml").read_bytes()))
        arxiv.add("/atom/cs.CL", {}, Reply(200, (FIXTURES / "arxiv_atom_listing_cs_CL.xml").read_bytes()))
        arxiv.add("/rss/cs.XX", {}, Reply(200, b"<rss><channel><item><title>broken"))
        with client() as http:
            rss = run(
                engine,
                "arxiv-rss",
                fetch_listings(http, arxiv.url, ["cs.LG", "cs.XX"]),
                "rss",
                interactive=False,
            )
            atom = run(
                engine,
                "arxiv-atom",
                fetch_listings(http, arxiv.url, ["cs.CL"], atom=True),
                "atom",
                interactive=False,
            )
    assert rss.batches == 1 and atom.batches == 1 and rss.papers > 0 and atom.papers > 0
    assert "cs.XX" in rss.failures[0].label and "malformed XML" in rss.failures[0].reason
    with engine.connect() as conn:
        assert set(load_checkpoints(conn, "arxiv-rss")) == {"cs.LG"}
        dates = {
            p.announced_on
            for p in [get_paper(conn, a).paper for (a,) in conn.execute(sa.select(papers.c.arxiv_id))]
        }
    assert None not in dates


def test_politeness_interval_and_retry_after() -> None:
    with Upstream() as arxiv:
        arxiv.add("/slow", {}, Reply(429, headers={"Retry-After": "1"}), Reply(200, b"ok"))
        arxiv.add("/fast", {}, Reply(200, b"ok"))
        host = arxiv.url.split("//")[1]
        with client(min_interval={host: 0.4}) as http:
            http.get(arxiv.url + "/slow")
            for _ in range(3):
                http.get(arxiv.url + "/fast")
        times = [r.at for r in arxiv.requests]
    assert [r.path for r in arxiv.requests] == ["/slow", "/slow", "/fast", "/fast", "/fast"]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps[0] >= 0.95, "Retry-After: 1 must be honoured"
    # Arrival times at the server carry scheduling jitter; unthrottled ones would come milliseconds apart.
    assert all(gap >= 0.3 for gap in gaps[1:]), gaps
