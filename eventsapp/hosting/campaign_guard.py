"""A campaign that companies applied to is never deleted with their applications (SPEC 3.8: nothing a
company did is deleted silently). The catalogue does not know of applications, so the refusal is
hooked to the deletion of the row: delete_campaign's caller rolls back and shows the message."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select

from ..catalogue.models import Campaign
from ..errors import NotAllowedInState
from .models import HostApplication, HostCall


def refuse_deleting_a_campaign_with_applications(mapper, connection, campaign: Campaign) -> None:
    applications = connection.scalar(select(func.count(HostApplication.id)).join(HostCall)
                                     .where(HostCall.campaign_id == campaign.id))
    if applications:
        raise NotAllowedInState(_l("Companies applied to host events in this campaign: it can no longer be "
                                   "deleted."))


def connect() -> None:
    if not event.contains(Campaign, "before_delete", refuse_deleting_a_campaign_with_applications):
        event.listen(Campaign, "before_delete", refuse_deleting_a_campaign_with_applications)
