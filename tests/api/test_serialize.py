"""The serializers alone: date format, omitted unknowns, the official client's constructors accepting them.

Real responses are also validated against the OpenAPI models, so the documentation cannot drift from the wire.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from huggingface_hub.hf_api import Organization as HfOrganization
from huggingface_hub.hf_api import PaperAuthor, PaperInfo, User

from paperboy.api import serialize
from paperboy.api.schemas import DailyPaperOut, PaperInfoOut
from paperboy.models import Author, FeedItem, Organization, Paper, PaperView, Submitter

BARE = PaperView(paper=Paper(arxiv_id="2501.00001", title="T"), upvotes=0, num_comments=0)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2025, 9, 25, 14, 58, 29, tzinfo=UTC), "2025-09-25T14:58:29.000Z"),
        (datetime(2025, 9, 26, 0, 35, 18, 352999, tzinfo=UTC), "2025-09-26T00:35:18.352Z"),
        (datetime(2025, 9, 26, 2, 0, tzinfo=timezone(timedelta(hours=2))), "2025-09-26T00:00:00.000Z"),
        (datetime(2025, 9, 26), "2025-09-26T00:00:00.000Z"),  # naive means UTC, as the store hands it back
    ],
)
def test_iso_ms(value: datetime, text: str) -> None:
    assert serialize.iso_ms(value) == text


def test_unknown_fields_are_left_out() -> None:
    body = serialize.paper_info(BARE).wire()
    assert body == {
        "id": "2501.00001",
        "authors": [],
        "title": "T",
        "summary": "",
        "upvotes": 0,
        "hfUpvotes": 0,
        "localUpvotes": 0,
        "numComments": 0,
    }
    entry = serialize.search_entry(BARE).wire()
    assert set(entry) == {"paper", "title", "summary", "numComments", "isAuthorParticipating"}


def test_author_ids_are_stable_and_distinct() -> None:
    first = serialize.author("2501.00001", 0, Author("A")).wire()
    assert first == serialize.author("2501.00001", 0, Author("A")).wire()
    assert len(first["_id"]) == 24 and int(first["_id"], 16) >= 0
    assert first["_id"] != serialize.author("2501.00001", 1, Author("A")).wire()["_id"]


def test_the_client_constructs_every_part() -> None:
    who = Submitter("alice", None, None)
    published = Paper(arxiv_id="2501.00001", title="T", submitted_at=datetime(2025, 1, 3, tzinfo=UTC))
    view = PaperView(paper=published, upvotes=3, num_comments=1)
    item = FeedItem(view=view, day=date(2025, 1, 6), source="local", submitter=who, submitted_at=None)
    entry = serialize.daily_entry(item).wire()
    User(**entry["submittedBy"])
    User(**entry["paper"]["submittedOnDailyBy"])
    HfOrganization(**serialize.organization(Organization("lab")).wire())  # type: ignore[union-attr]
    PaperAuthor(**serialize.author("x", 0, Author("A", hidden=True)).wire())
    info = PaperInfo(**entry)
    assert info.published_at == datetime(2025, 1, 3, tzinfo=UTC)
    assert info.submitted_at == datetime(2025, 1, 6, tzinfo=UTC)
    assert info.submitted_by.name == "alice"


@pytest.mark.parametrize("params", [{"date": "2025-09-26"}, {"date": "2024-05-27"}, {"month": "2025-11"}])
def test_daily_responses_match_the_documented_schema(client, params: dict) -> None:  # type: ignore[no-untyped-def]
    for raw in client.get("/api/daily_papers", params={**params, "limit": 100}).json():
        model = DailyPaperOut.model_validate(raw)
        assert not model.model_extra and not model.paper.model_extra  # every key we send is documented
        assert (
            model.model_dump(by_alias=True, exclude_unset=True)["paper"]["authors"] == raw["paper"]["authors"]
        )


def test_paper_and_search_responses_match_the_documented_schema(client) -> None:  # type: ignore[no-untyped-def]
    for arxiv_id in ["2509.21268", "2405.15738", "2604.07429"]:
        model = PaperInfoOut.model_validate(client.get(f"/api/papers/{arxiv_id}").json())
        assert not model.model_extra
    for raw in client.get("/api/papers/search", params={"q": "agent", "limit": 120}).json():
        assert not DailyPaperOut.model_validate(raw).model_extra
