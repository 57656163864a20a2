"""Pieces every domain's forms share: the base form, field helpers, and service rules shown on fields."""
import functools
from typing import TypeVar

from babel import support
from flask import abort, current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import (  # type: ignore[attr-defined]  # types-wtforms predates SelectChoice (WTForms 3.3)
    Field,
    FieldList,
    FormField,
    PasswordField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.i18n import messages_path
from wtforms.validators import Length, Optional, ValidationError

from ..errors import DomainError, Refused
from ..text import has_control_character


class AppForm(FlaskForm):
    """Every form of the app. No form takes a file: a field sent as a file counts as empty (Flask-WTF
    would hand the file to a text field, whose validators fail on it with a 500). A JSON body is read
    like form fields, but only as an object of plain values, for the same reason."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_messages(str(get_locale()))

    def __init__(self, *args, **kwargs):
        if not args and "formdata" not in kwargs and self.is_submitted():
            if request.files:
                kwargs["formdata"] = request.form
            elif is_json_body():
                kwargs["formdata"] = json_formdata(request.get_json())  # malformed JSON: get_json answers 400
        super().__init__(*args, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        """Text no database can store is refused first, before any validator queries with it; a control
        character in one-line text after the validators (which start each field's errors afresh)."""
        unstorable = [field for field in self if not is_storable(field.data)]
        if not unstorable:
            return super().validate(extra_validators) & refuse_control_characters(self)
        message = str(_l("This text contains characters that are not allowed."))
        for field in unstorable:
            field.errors = [message]
            if isinstance(field.data, str):  # shown again in the form: it must at least be valid UTF-8
                field.data = field.data.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
        if any(field.type in ("HiddenField", "CSRFTokenField") for field in unstorable):
            self.form_errors.append(message)  # nobody sees a hidden field's error
        return False

    def first_error_name(self) -> str | None:
        """The first visible field, in the form's order, that shows an error: the page focuses it.
        Read when the page is rendered, so an error a service added after validation counts too."""
        return next((field.name for field in self
                     if field.errors and field.type not in ("HiddenField", "CSRFTokenField")), None)


@functools.cache
def wtforms_messages(locale: str) -> support.NullTranslations:
    """WTForms' own messages in a language, read once per process: Flask-WTF reads the catalogue again on every
    request that builds a form (a tenth of a millisecond of each sign-up)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def is_storable(value) -> bool:
    """PostgreSQL refuses NUL characters, and lone surrogates (JSON "\\ud800") are not UTF-8.
    Lists and dicts are the data of nested fields (e.g. the speakers of an agenda item)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, dict):
        return all(is_storable(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(is_storable(item) for item in value)
    return True


def refuse_control_characters(form) -> bool:
    """One-line fields (a name, a title: later an e-mail subject or a calendar name) refuse line
    breaks, tabs and other control characters, also in nested forms; a TextAreaField takes them.
    Passwords are left as typed. False, with the errors on the fields, when one is refused."""
    accepted = True
    for field in form:
        if isinstance(field, FieldList):
            entries = [refuse_control_characters(entry.form) if isinstance(entry, FormField)
                       else is_one_line(form, entry) for entry in field.entries]
            if not all(entries):
                field.errors = [entry.errors for entry in field.entries]  # a FieldList collects them in validate
                accepted = False
        elif isinstance(field, FormField):
            accepted = refuse_control_characters(field.form) and accepted
        else:
            accepted = is_one_line(form, field) and accepted
    return accepted


def is_one_line(form, field: Field) -> bool:
    """False, with an error on the field, for a one-line text field holding a control character."""
    if not isinstance(field, StringField) or isinstance(field, TextAreaField | PasswordField) \
            or not isinstance(field.data, str) or not has_control_character(field.data):
        return True
    if field.errors:  # already refused, e.g. by a rule of its own (form_rule): one message is enough
        return False
    field.errors = [*field.errors, str(_l("This text must be one line, without line breaks, tabs or other "
                                          "control characters."))]
    if field.type in ("HiddenField", "CSRFTokenField"):
        form.form_errors.append(str(_l("This text contains characters that are not allowed.")))  # nobody sees it
    return False


def is_json_body() -> bool:
    return has_request_context() and request.is_json and not request.form and not request.files


def json_formdata(body) -> ImmutableMultiDict:
    """{"name": "Li", "consent": true} → form data; anything but an object of scalars is a 400."""
    if not isinstance(body, dict) or any(isinstance(v, (dict, list)) for v in body.values()):
        abort(400, description="The JSON body must be an object of plain values.")
    return ImmutableMultiDict({key: "y" if value is True else "" if value is None or value is False else str(value)
                               for key, value in body.items()})


T = TypeVar("T")


def validated(value: T | None) -> T:
    """A required field's value, read after validation (which refuses the form without it)."""
    if value is None:
        raise ValueError("a required field was read before the form was validated")
    return value


def text(field: Field) -> str:
    """A text field's value, stripped; "" when left empty."""
    return (field.data or "").strip()


class ConfirmForm(AppForm):
    """A bare form for POST buttons (publish, delete, ...): it only carries the CSRF token."""


def form_rule(check, *, required: bool = False):
    """A WTForms validator that runs `check(field.data)`, a plain rule function that raises Refused (the
    same function the JSON API calls). `required`: the field gets the HTML `required` attribute."""

    def validate(form, field) -> None:
        try:
            check(field.data if field.data is not None else "")
        except Refused as refusal:
            raise ValidationError(str(refusal.message)) from refusal

    validate.field_flags = {"required": True} if required else {}  # type: ignore[attr-defined]
    return validate


def strip_whitespace(value):
    """A WTForms filter: surrounding spaces from copy-paste never make input invalid."""
    return value.strip() if isinstance(value, str) else value


def select_choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def raise_as_field_error(check, *args, **kwargs) -> None:
    """Run a service rule inside a WTForms validator, so its message shows next to the field."""
    try:
        check(*args, **kwargs)
    except DomainError as error:
        raise ValidationError(str(error.message)) from error


def attach_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a rule the service enforced (e.g. after a race) next to the field it names."""
    field: Field | None = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def check_into_form(form: FlaskForm, check, *args, **kwargs) -> bool:
    """Run a cross-field service rule; on refusal put its message next to the field it names."""
    try:
        check(*args, **kwargs)
    except DomainError as error:
        attach_domain_error(form, error)
        return False
    return True


def bilingual_text(label_zh, label_en, *, max_length: int, textarea: bool = False):
    """A pair of optional fields for content written in both languages."""
    field_class = TextAreaField if textarea else StringField
    validators = [Optional(), Length(max=max_length)]
    return field_class(label_zh, validators=validators), field_class(label_en, validators=validators)


def require_one_language(form: FlaskForm, field_name: str) -> bool:
    """At least one of `<field>_zh` / `<field>_en` must be filled; the error goes on the Chinese one."""
    zh, en = getattr(form, f"{field_name}_zh"), getattr(form, f"{field_name}_en")
    if (zh.data or "").strip() or (en.data or "").strip():
        return True
    zh.errors = [*zh.errors, str(_l("Fill in at least one language."))]
    return False
