"""What the mail tests share."""
import icalendar


def sample_ics(summary: str = "质量开放日 Quality Open Day", method: str = "REQUEST") -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//eventsapp tests//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = icalendar.Event()
    event.add("uid", "event-1@eventsapp.test")
    event.add("summary", summary)
    event.add("dtstamp", icalendar.vDatetime.from_ical("20260101T000000Z"))
    event.add("dtstart", icalendar.vDatetime.from_ical("20260301T060000Z"))
    calendar.add_component(event)
    return calendar.to_ical()
