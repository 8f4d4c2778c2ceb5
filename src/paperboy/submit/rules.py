"""The submission rules and the refusals they produce, worded for the person who pasted the link.

Like Hugging Face's daily papers, a community feed stays useful only if it is recent (a maximum paper age),
not flooded by one person (a daily cap) and free of repeats (a paper is featured once). Each refusal is its
own exception with an HTTP status chosen for it, so the page and the JSON API explain the same thing:

- 404 ``NoSuchPaper``: arXiv does not know the id.
- 409 ``AlreadyFeatured`` / ``PaperHidden``: the paper's current state on this site forbids featuring it.
- 422 ``TooOld``: a real paper, understood, but outside the configured age window.
- 429 ``DailyCapReached``: with Retry-After until the next UTC midnight, when the count starts again.
- 503 ``ArxivUnavailable``: arXiv did not answer; with Retry-After, nothing was stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from paperboy.errors import NotFound, PaperboyError, TooManyRequests
from paperboy.models import Paper
from paperboy.store.submissions import Feature

ARXIV_RETRY_AFTER = 120


class NoSuchPaper(NotFound):
    def __init__(self, arxiv_id: str) -> None:
        super().__init__(f"arXiv has no paper {arxiv_id}. Check the id or the link and try again.")
        self.arxiv_id = arxiv_id


class AlreadyFeatured(PaperboyError):
    """The paper is on a feed already; ``link`` is its page, where the earlier submission shows."""

    status_code = 409

    def __init__(self, arxiv_id: str, feature: Feature, today: date) -> None:
        by = _credit(feature)
        if feature.day == today:
            message = f"{arxiv_id} is already on today's feed, {by}."
        elif feature.day < today:
            when = _day(feature.day)
            message = f"{arxiv_id} was already featured on {when}, {by}; a paper is featured only once."
        else:
            message = f"{arxiv_id} is already on the feed of {_day(feature.day)}, {by}."
        super().__init__(message)
        self.arxiv_id = arxiv_id
        self.day = feature.day
        self.submitter = feature.username
        self.link = f"/papers/{arxiv_id}"


class PaperHidden(PaperboyError):
    status_code = 409

    def __init__(self, arxiv_id: str) -> None:
        super().__init__(f"A moderator has hidden {arxiv_id} from this site, so it cannot be featured.")
        self.arxiv_id = arxiv_id


class TooOld(PaperboyError):
    status_code = 422

    def __init__(self, arxiv_id: str, age_days: int, max_days: int) -> None:
        window = "day" if max_days == 1 else f"{max_days} days"
        super().__init__(
            f"This paper was first posted {age_days} days ago; only papers from the last {window} "
            "can be featured."
        )
        self.arxiv_id = arxiv_id
        self.age_days = age_days


class DailyCapReached(TooManyRequests):
    def __init__(self, cap: int, retry_after: float) -> None:
        papers = "1 paper" if cap == 1 else f"{cap} papers"
        hours, minutes = divmod(int(retry_after) // 60, 60)
        wait = f"{hours} h {minutes} min" if hours else f"{max(minutes, 1)} min"
        super().__init__(
            f"You have already submitted {papers} today, the most one person may submit in a day. "
            f"You can submit again after midnight UTC (in {wait}).",
            retry_after,
        )


class ArxivUnavailable(PaperboyError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__("arXiv did not answer, try again in a few minutes. Nothing was submitted.")
        self.retry_after = ARXIV_RETRY_AFTER


def _day(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _credit(feature: Feature) -> str:
    if feature.username:
        return f"submitted by {feature.username}"
    if feature.source == "huggingface":
        return "imported from Hugging Face"
    return "featured automatically"


def check_not_featured(arxiv_id: str, featured: list[Feature], today: date) -> None:
    """Refuse a paper featured on any day; today's feature is the one worth naming when there are several."""
    if not featured:
        return
    raise AlreadyFeatured(arxiv_id, next((f for f in featured if f.day == today), featured[0]), today)


def check_daily_cap(count: int, cap: int, today: date, now: datetime) -> None:
    if count < cap:
        return
    midnight = datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)
    raise DailyCapReached(cap, max(60.0, (midnight - now).total_seconds()))


def check_age(paper: Paper, today: date, max_days: int) -> None:
    """Age counts from the first version (arXiv's ``published``), so a fresh v5 of an old paper is old."""
    if paper.submitted_at is None:
        return  # arXiv always says; a record without the date cannot be judged and is let through
    age = (today - paper.submitted_at.astimezone(UTC).date()).days
    if age > max_days:
        raise TooOld(paper.arxiv_id, age, max_days)
