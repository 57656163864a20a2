"""An organizer's review and the company's withdrawal, at the same moment: one after the other under the
application's lock, so it ends one way only and the company hears of one outcome (both databases)."""
import threading

import pytest

from eventsapp.accounts.models import User
from eventsapp.errors import NotAllowedInState
from eventsapp.extensions import db
from eventsapp.hosting import services
from eventsapp.hosting.models import ApplicationStatus, HostApplication


def withdraw_in_another_connection(app, application_id: int, now, started: threading.Event, outcome: list) -> None:
    with app.app_context():
        try:
            started.set()
            services.withdraw_application(db.session.get(HostApplication, application_id), now=now)
            db.session.commit()
            outcome.append("withdrawn")
        except NotAllowedInState as refused:
            db.session.rollback()
            outcome.append(refused)
        finally:
            db.session.remove()


@pytest.mark.parametrize("review", ["accept", "decline"])
def test_a_withdrawal_during_a_review_waits_for_it_and_is_refused(app, make_application, make_user, outbox, now,
                                                                   review):
    application = make_application()
    reviewer = make_user()
    if review == "accept":
        services.accept_application(application, reviewer=reviewer, now=now)
    else:
        services.decline_application(application, reviewer=reviewer, reason="日期冲突", now=now)
    started, outcome = threading.Event(), []
    other = threading.Thread(target=withdraw_in_another_connection,
                             args=(app, application.id, now, started, outcome))
    other.start()
    started.wait(5)
    other.join(0.5)
    assert other.is_alive(), "the withdrawal must wait for the review's transaction"
    db.session.commit()
    other.join(30)
    [refusal] = outcome
    assert isinstance(refusal, NotAllowedInState)
    db.session.expire_all()
    assert db.session.get(HostApplication, application.id).status != ApplicationStatus.WITHDRAWN
    subjects = [message.subject for message in outbox()]
    assert not any("撤回" in subject for subject in subjects), subjects


def test_two_organizers_accepting_at_once_make_one_draft(app, make_application, make_user, now):
    application = make_application()
    first, second = make_user(), make_user(email="second@example.com")
    services.accept_application(application, reviewer=first, now=now)
    outcome: list = []

    def accept_too() -> None:
        with app.app_context():
            try:
                services.accept_application(db.session.get(HostApplication, application.id),
                                            reviewer=db.session.get(User, second.id), now=now)
                db.session.commit()
                outcome.append("accepted twice")
            except NotAllowedInState as refused:
                db.session.rollback()
                outcome.append(refused)
            finally:
                db.session.remove()

    other = threading.Thread(target=accept_too)
    other.start()
    other.join(0.5)
    db.session.commit()
    other.join(30)
    assert [type(result) for result in outcome] == [NotAllowedInState]
