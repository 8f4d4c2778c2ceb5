"""Errors the service raises on purpose; ``web``/``api`` map them to HTTP status codes in one place."""


class PaperboyError(Exception):
    """Base class: the message is meant for the person who caused it."""

    status_code = 500


class NotFound(PaperboyError):
    status_code = 404


class BadRequest(PaperboyError):
    status_code = 400


class Forbidden(PaperboyError):
    status_code = 403


class IngestError(PaperboyError):
    """Upstream data that cannot be used; ``label`` names the file or URL."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(f"{label}: {reason}")
        self.label = label
        self.reason = reason


class UpstreamRefused(IngestError):
    """An answer we will not take however often we ask: too large, or from a host we do not fetch from."""


class SchemaOutdated(PaperboyError):
    """The database schema is older than the code; ``paperboy migrate`` fixes it."""


class NeedsLogin(PaperboyError):
    """The action needs a signed-in user; pages answer with a redirect to the login form."""

    status_code = 401


class TooManyRequests(PaperboyError):
    status_code = 429

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = int(retry_after + 0.999)
