"""One family of errors for business rules that refuse a change (STYLE section 7), and the error of a
rule that refuses one typed value (Refused).

Services raise them; the web layer (web/errors.py) turns them into pages, the API (api/answers.py)
into JSON, the CLI into messages.
"""
from flask_babel import LazyString


class Refused(ValueError):
    """One value a field's rule does not accept (e.g. registration/sign_up_rules.py); `message` says what to
    do, in the person's language. web/forms.form_rule shows it next to the form's field, the API under
    the field's name."""

    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message



class DomainError(Exception):
    """A business rule refused the change. `field` names the form field it concerns, if any;
    `status` is the HTTP status the web layer answers with, `code` what the API's error says (when the
    status alone does not tell, e.g. "full" and "already_registered" are both 409)."""

    status = 400
    code: str | None = None
    retry_after: int | None = None  # seconds, for a refusal that passes with time (a 429)

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
    code = "not_allowed_now"
