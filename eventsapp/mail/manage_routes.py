"""Back office: the outbox — what was sent, what waits, what failed — and "retry now"."""
from io import BytesIO

from flask import abort, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..database import utcnow
from ..extensions import db
from ..site import mail_sender
from ..web.backoffice import backoffice_blueprint
from ..web.edge import confirmed_action
from ..web.forms import ConfirmForm
from . import services
from .models import OutboxMessage, OutboxStatus
from .writing import write_now

blueprint = backoffice_blueprint("outbox", __name__)

OUTBOX_STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Waiting to be sent"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
}


def _page_context() -> dict:
    return {"OUTBOX_STATUS_LABELS": OUTBOX_STATUS_LABELS, "timezone": current_app.config["DEFAULT_TIMEZONE"],
            "is_delivering": bool(current_app.config.get("SMTP_URL"))}


@blueprint.get("/outbox")
def index():
    status = request.args.get("status")
    status = status if status in set(OutboxStatus) else None
    page = request.args.get("page", 1, type=int)
    pagination = services.outbox_page(status=status, page=page)
    unwritten = [message.id for message in pagination.items if message.to_write is not None]
    if unwritten:  # queued unwritten (mail/writing.py): written by whoever reads them first, shown as they go
        write_now(unwritten)
        pagination = services.outbox_page(status=status, page=page)
    return render_template("manage/outbox.html", pagination=pagination, status=status, **_page_context())


@blueprint.get("/outbox/<id:message_id>")
def show(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if message.to_write is not None:  # queued unwritten (mail/writing.py): shown as it will go
        write_now([message.id])
    return render_template("manage/outbox_message.html", message=message, confirm=ConfirmForm(),
                           sender=mail_sender(), **_page_context())


@blueprint.get("/outbox/<id:message_id>/attachment")
def attachment(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if not message.ics:
        abort(404)
    return send_file(BytesIO(message.ics), mimetype="text/calendar", as_attachment=True,
                     download_name=message.ics_filename or "event.ics")


@blueprint.post("/outbox/<id:message_id>/retry")
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return confirmed_action(services.retry_message, message, now=utcnow(),
                            done=_("The message is queued again and will be sent shortly."),
                            back=url_for("outbox.show", message_id=message_id))
