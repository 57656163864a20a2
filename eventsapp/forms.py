"""Pieces every domain's forms share."""
from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto as _AUTO, _is_submitted
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import Field, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from .errors import DomainError
from .extensions import db


class AppForm(FlaskForm):
    """Every form of the app: a JSON body is accepted only as an object of plain values."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _AUTO and _is_submitted() and not request.form and not request.files and request.is_json:
                return json_formdata(request.get_json())  # malformed JSON: get_json answers 400 itself
            return super().wrap_formdata(form, formdata)

    def validate(self, extra_validators=None) -> bool:
        """Text no database can store is refused first, before any validator queries with it."""
        unstorable = [field for field in self if not is_storable(field.data)]
        if not unstorable:
            return super().validate(extra_validators)
        message = str(_l("This text contains characters that are not allowed."))
        for field in unstorable:
            field.errors = [message]
            if isinstance(field.data, str):  # shown again in the form: it must at least be valid UTF-8
                field.data = field.data.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
        if any(field.type in ("HiddenField", "CSRFTokenField") for field in unstorable):
            self.form_errors.append(message)  # nobody sees a hidden field's error
        return False


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


def json_formdata(body) -> ImmutableMultiDict:
    """{"name": "Li", "consent": true} → form data; anything but an object of scalars is a 400."""
    if not isinstance(body, dict) or any(isinstance(v, (dict, list)) for v in body.values()):
        abort(400, description="The JSON body must be an object of plain values.")
    return ImmutableMultiDict({key: "y" if value is True else "" if value is None or value is False else str(value)
                               for key, value in body.items()})


class ConfirmForm(AppForm):
    """A bare form for POST buttons (publish, delete, ...): it only carries the CSRF token."""


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


def render_form(template: str, form: FlaskForm, **context):
    """Render a form page; a form that failed validation answers 422 so clients see the refusal."""
    status = 422 if form.errors or form.form_errors else 200
    return render_template(template, form=form, **context), status


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


def commit_or_show(form, save, *args, **kwargs) -> bool:
    """Call a service and commit; if a rule refuses (e.g. a race on a slug), show it on the form."""
    try:
        save(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        attach_domain_error(form, error)
        return False
    db.session.commit()
    return True


def confirmed_action(action, *args, done: str, back: str, back_on_error: str | None = None, **kwargs):
    """A POST button: check CSRF, run the service, commit, and say what happened."""
    if not ConfirmForm().validate_on_submit():
        flash(_("Your form expired. Please try again."), "error")
        return redirect(back)
    try:
        action(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(back_on_error or back)
    db.session.commit()
    flash(done, "success")
    return redirect(back)
