"""What other domains may react to when an event changes (Indico-style signals).

The catalogue does not know who listens: registration sends e-mails and fills freed seats
(registration/event_changes.py). Receivers run inside the same transaction as the change; a
receiver that raises refuses it. `now` is the time of the change.
"""
from blinker import Namespace

_signals = Namespace()

#: The time, place or title of a published event changed. sender=event, now=, change= (changes.Change)
event_changed = _signals.signal("event-changed")
#: The time or room of a talk of a published event changed. sender=talk, now=, change= (changes.Change)
talk_changed = _signals.signal("talk-changed")
#: A public event was cancelled. sender=event, now=
event_cancelled = _signals.signal("event-cancelled")
#: A cancelled event takes place after all. sender=event, now=
event_reinstated = _signals.signal("event-reinstated")
#: Capacity or waiting-list setting changed: seats may have freed up. sender=event, now=
event_seats_changed = _signals.signal("event-seats-changed")
#: A published event is about to go back to draft; raise a DomainError to refuse. sender=event
event_unpublishing = _signals.signal("event-unpublishing")
#: A draft is about to be deleted; raise a DomainError to refuse (e.g. it has a history). sender=event
event_deleting = _signals.signal("event-deleting")
