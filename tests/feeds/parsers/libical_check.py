"""Reads iCalendar text with libical 3 and runs its RFC 5545/5546 restriction check; prints JSON.

    /usr/bin/python3 libical_check.py < feed.ics             -> one result
    /usr/bin/python3 libical_check.py a.ics b.ics            -> an array of results, same order
    echo '["BEGIN:VCALENDAR...", ...]' | /usr/bin/python3 libical_check.py   -> an array, same order

A result is {"method", "events", "errors", "error"}: events are {uid, start, end, tzid, summary,
status, sequence}, start and end UTC ISO strings for timed events ("2026-03-14T06:00:00+00:00") and
"YYYY-MM-DD" for all-day ones; errors are the X-LIC-ERROR properties libical wrote while parsing
and checking (RFC 5546's per-METHOD property tables and RFC 5545's component rules); error is set
when the text could not be read at all. libical's Python bindings exist only for Debian's own
Python (`make install-libical`), so tests/feeds/test_real_parsers.py runs this in a subprocess.
"""
import json
import sys
from pathlib import Path

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402  (after require_version, as gi wants)

UTC_ZONE = ICalGLib.Timezone.get_utc_timezone()


def as_text(time):
    if time is None or time.is_null_time():
        return None
    if time.is_date():
        return f"{time.get_year():04d}-{time.get_month():02d}-{time.get_day():02d}"
    # The zone of a TZID time is the calendar's own VTIMEZONE, so its rules are what is checked here.
    utc = time.convert_to_zone(UTC_ZONE)
    return (f"{utc.get_year():04d}-{utc.get_month():02d}-{utc.get_day():02d}"
            f"T{utc.get_hour():02d}:{utc.get_minute():02d}:{utc.get_second():02d}+00:00")


def property_text(component, kind):
    found = component.get_first_property(kind)
    return None if found is None else found.get_value_as_string()


def subcomponents(component, kind):
    child = component.get_first_component(kind)
    while child is not None:
        yield child
        child = component.get_next_component(kind)


def lic_errors(component):
    """Every X-LIC-ERROR, in this component and below: what libical found wrong."""
    errors = []
    prop = component.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        errors.append(f"{ICalGLib.Component.kind_to_string(component.isa())}: {prop.get_xlicerror()}")
        prop = component.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    for child in subcomponents(component, ICalGLib.ComponentKind.ANY_COMPONENT):
        errors += lic_errors(child)
    return errors


def read(text):
    calendar = ICalGLib.Component.new_from_string(text)
    if calendar is None or calendar.isa() != ICalGLib.ComponentKind.VCALENDAR_COMPONENT:
        return {"method": None, "events": [], "errors": [], "error": "libical could not parse a VCALENDAR"}
    ICalGLib.restriction_check(calendar)
    events = []
    for event in subcomponents(calendar, ICalGLib.ComponentKind.VEVENT_COMPONENT):
        start = event.get_dtstart()
        events.append({
            "uid": event.get_uid(),
            "start": as_text(start),
            "end": as_text(event.get_dtend()),
            "tzid": None if start.is_date() or start.get_timezone() is None else start.get_tzid(),
            "summary": event.get_summary(),
            "status": property_text(event, ICalGLib.PropertyKind.STATUS_PROPERTY),
            "sequence": event.get_sequence() if event.get_first_property(
                ICalGLib.PropertyKind.SEQUENCE_PROPERTY) else None,
        })
    return {"method": property_text(calendar, ICalGLib.PropertyKind.METHOD_PROPERTY), "events": events,
            "errors": list(dict.fromkeys(lic_errors(calendar))), "error": None}  # libical repeats some


def main(paths):
    if paths:
        results = [read(Path(path).read_text(encoding="utf-8")) for path in paths]
    else:
        # Strict UTF-8, as the other parsers: a character broken by folding fails here.
        data = sys.stdin.buffer.read().decode("utf-8")
        results = [read(text) for text in json.loads(data)] if data.lstrip().startswith("[") else read(data)
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
