"""One family of errors for business rules that refuse a change (STYLE section 7).

Services raise them; the web layer (web/errors.py) turns them into pages, the CLI into messages.
"""


class DomainError(Exception):
    """A business rule refused the change. `field` names the form field it concerns, if any;
    `status` is the HTTP status the web layer answers with."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    status = 422


class Conflict(DomainError):
    status = 409


class NotAllowedInState(DomainError):
    """E.g. deleting an event that is no longer a draft."""

    status = 409
