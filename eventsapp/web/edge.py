"""The web edge of a unit of work (STYLE section 4): a route calls one service, then commits here,
or rolls back and shows why, on the form or in a flashed message."""
from collections.abc import Callable

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ..errors import DomainError
from ..extensions import db
from .forms import ConfirmForm, attach_domain_error


def render_form(template: str, form: FlaskForm, **context) -> tuple[str, int]:
    """Render a form page; a form that failed validation answers 422 so clients see the refusal."""
    status = 422 if form.errors or form.form_errors else 200
    return render_template(template, form=form, **context), status


def commit_or_show(form: FlaskForm, save: Callable, *args, **kwargs) -> bool:
    """Call a service and commit; if a rule refuses (e.g. a race on a slug), show it on the form."""
    try:
        save(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        attach_domain_error(form, error)
        return False
    db.session.commit()
    return True


def confirmed_action(action: Callable, *args, done: str, back: str, back_on_error: str | None = None,
                     **kwargs) -> Response:
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
