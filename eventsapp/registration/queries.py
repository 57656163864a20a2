"""What other pages may read of registrations: how many people an event's change reaches, and the host
company's view of its attendees."""
from sqlalchemy import func, select

from ..catalogue.models import Event
from ..extensions import db
from .models import ACTIVE, Registration


def count_people_to_tell(event: Event) -> int:
    """Everyone an organizer's change to the event is mailed to: confirmed, waiting or invited by their
    company (not a company's seats nobody holds yet, nor anyone whose details were erased)."""
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE), ~Registration.is_erased)) or 0


def shared_with_host(event: Event) -> list[Registration]:
    """The attendees who agreed, separately, to share their details with the event's host (PIPL Art. 23):
    the only ones its company pages and exports may show, in sign-up order."""
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE), Registration.shares_with_host.is_(True),
        ~Registration.is_erased).order_by(Registration.id)))
