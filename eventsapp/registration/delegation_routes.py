"""The company's delegations under /company/delegations (SPEC 4c): its seats at each event, and the roster
of one: the lead contact names colleagues (a table, or a CSV/XLSX file), sends an invitation again,
removes or swaps a person; the other members read. Rows are looked up through g.company: another
company's delegation or person answers 404."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..audit import trail as audit
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import current_language
from ..web.company import company_blueprint, require_company_lead, require_verified_company
from ..web.edge import confirmed_action
from ..web.forms import ConfirmForm, attach_domain_error
from . import delegation_people as people_services
from . import delegations
from .forms import RosterForm, SwapForm, UploadForm, show_problems
from .models import Delegation, Registration
from .people import RosterFileError, read_roster_file

blueprint = company_blueprint("company_delegations", __name__)
blueprint.before_request(require_verified_company)


def own_delegation(delegation_id: int) -> Delegation:
    return db.session.scalar(select(Delegation).where(
        Delegation.id == delegation_id, Delegation.organization_id == g.company.id)) or abort(404)


def own_person(delegation: Delegation, registration_id: int) -> Registration:
    return db.session.scalar(select(Registration).where(
        Registration.id == registration_id, Registration.delegation_id == delegation.id)) or abort(404)


@blueprint.get("/delegations")
def index():
    return render_template("company/delegations.html", states=delegations.delegations_of(g.company), now=utcnow())


@blueprint.get("/delegations/<id:delegation_id>")
def roster(delegation_id: int):
    delegation = own_delegation(delegation_id)
    shown = roster_page(delegation)
    # The page shows each person's e-mail and mobile: recorded like a download (SPEC 8), once it is made.
    audit.record("attendees.viewed", subject_type="delegation", subject_id=delegation.id,
                 event_id=delegation.event_id, details={"rows": len(delegation.registrations)})
    db.session.commit()
    return shown


def roster_page(delegation: Delegation, *, status: int = 200, problems=(), **forms):
    (state,) = delegations.states(select(Delegation).where(Delegation.id == delegation.id))
    forms.setdefault("roster_form", RosterForm(formdata=None))
    forms.setdefault("upload_form", UploadForm(formdata=None))
    page = render_template("company/delegation.html", delegation=delegation, event=delegation.event, state=state,
                           history=delegations.history(delegation), problems=list(problems), confirm=ConfirmForm(),
                           can_change=people_services.can_change(delegation, now=utcnow()),
                           is_lead=current_user.is_company_lead, now=utcnow(), **forms)
    return page, status


@blueprint.post("/delegations/<id:delegation_id>/people")
def add_people(delegation_id: int):
    require_company_lead()
    delegation = own_delegation(delegation_id)
    form = RosterForm()
    if not form.validate():
        return roster_page(delegation, roster_form=form, status=422)
    return name_or_show(delegation, form, form.to_roster(), problems_in_table=True)


@blueprint.post("/delegations/<id:delegation_id>/upload")
def upload(delegation_id: int):
    require_company_lead()
    delegation = own_delegation(delegation_id)
    form = UploadForm()
    file = request.files.get("roster_file")
    if not form.validate():
        return roster_page(delegation, upload_form=form, status=422)
    try:
        roster = read_roster_file(file.filename or "", file.read()) if file else None
    except RosterFileError as error:
        form.form_errors.append(str(error.message))
        return roster_page(delegation, upload_form=form, status=422)
    if not roster:
        form.form_errors.append(_("Please choose a .csv or .xlsx file."))
        return roster_page(delegation, upload_form=form, status=422)
    return name_or_show(delegation, form, roster, problems_in_table=False)


def name_or_show(delegation: Delegation, form: RosterForm | UploadForm, roster, *, problems_in_table: bool):
    """Name the whole roster and commit, or change nothing and show every problem with its line."""
    key = "roster_form" if problems_in_table else "upload_form"
    try:
        named = people_services.name_people(
            delegation, roster, put_extra_on_waitlist=bool(form.put_extra_on_waitlist.data),
            language=current_language(), actor=current_user, now=utcnow())
    except people_services.RosterRejected as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        if isinstance(form, RosterForm):
            show_problems(form, error.problems)
        return roster_page(delegation, status=error.status, problems=error.problems, **{key: form})
    except DomainError as error:
        db.session.rollback()
        attach_domain_error(form, error)
        return roster_page(delegation, status=error.status, **{key: form})
    db.session.commit()
    flash(ngettext("%(num)d person named: each receives an e-mail to confirm their place.",
                   "%(num)d people named: each receives an e-mail to confirm their place.", len(named)), "success")
    return redirect(url_for("company_delegations.roster", delegation_id=delegation.id))


@blueprint.post("/delegations/<id:delegation_id>/people/<id:registration_id>/resend")
def resend(delegation_id: int, registration_id: int):
    require_company_lead()
    delegation = own_delegation(delegation_id)
    return confirmed_action(people_services.resend_invitation, own_person(delegation, registration_id),
                            actor=current_user, now=utcnow(), done=_("The invitation has been sent again."),
                            back=url_for("company_delegations.roster", delegation_id=delegation.id))


@blueprint.post("/delegations/<id:delegation_id>/people/<id:registration_id>/remove")
def remove(delegation_id: int, registration_id: int):
    require_company_lead()
    delegation = own_delegation(delegation_id)
    return confirmed_action(people_services.remove_person, own_person(delegation, registration_id),
                            actor=current_user, now=utcnow(), done=_("The place is cancelled; the person is told."),
                            back=url_for("company_delegations.roster", delegation_id=delegation.id))


@blueprint.route("/delegations/<id:delegation_id>/people/<id:registration_id>/swap", methods=["GET", "POST"])
def swap(delegation_id: int, registration_id: int):
    require_company_lead()
    delegation = own_delegation(delegation_id)
    person = own_person(delegation, registration_id)
    form = SwapForm()
    status = 200
    if form.validate_on_submit():
        try:
            people_services.swap(person, form.to_person(), language=current_language(), actor=current_user,
                                 now=utcnow())
        except people_services.RosterRejected as error:
            db.session.rollback()
            for problem in error.problems:
                form[problem.field].errors = [*form[problem.field].errors, problem.message]
            status = error.status
        except DomainError as error:
            db.session.rollback()
            attach_domain_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("The place now goes to %(name)s, who receives an e-mail to confirm it.", name=form.name.data),
                  "success")
            return redirect(url_for("company_delegations.roster", delegation_id=delegation.id))
    return render_template("company/delegation_swap.html", delegation=delegation, event=delegation.event,
                           person=person, form=form), status
