"""What other pages may read of registrations: the host company's view of its attendees."""
from sqlalchemy import select

from ..catalogue.models import Event
from ..extensions import db
from .models import ACTIVE, Registration


def shared_with_host(event: Event) -> list[Registration]:
    """The attendees who agreed, separately, to share their details with the event's host (PIPL Art. 23):
    the only ones its company pages and exports may show, in sign-up order."""
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE), Registration.shares_with_host.is_(True),
        ~Registration.is_erased).order_by(Registration.id)))
