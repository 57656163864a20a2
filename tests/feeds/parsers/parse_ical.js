// Reads iCalendar text with two real JavaScript parsers and prints what each understood, as JSON.
//
//   node parse_ical.js < feed.ics                 -> one result
//   echo '["BEGIN:VCALENDAR...", ...]' | node parse_ical.js   -> an array of results, same order
//
// A result is {"icaljs": {events, error}, "nodeical": {events, error}}; an event is
// {uid, start, end, tzid, summary, status, sequence}, start and end being UTC ISO strings for
// timed events ("2026-03-14T06:00:00.000Z") and "YYYY-MM-DD" for all-day ones. tests/feeds/
// test_real_parsers.py runs it once per batch of calendars (see research/calendar-interop.md 4.2).
import { readFileSync } from "node:fs";
import ICAL from "ical.js";
import nodeIcal from "node-ical";

function icaljsTime(time) {
  if (!time) return null;
  return time.isDate ? time.toString() : time.toJSDate().toISOString();
}

// ical.js (Mozilla's, in Thunderbird) has no time zone database: like Thunderbird, register the
// feed's own VTIMEZONEs first, or a TZID it does not know silently becomes "floating" local time.
function readWithIcaljs(text) {
  try {
    const calendar = new ICAL.Component(ICAL.parse(text));
    ICAL.TimezoneService.reset();
    for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
    }
    const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
      const event = new ICAL.Event(vevent);
      return {
        uid: event.uid,
        start: icaljsTime(event.startDate),
        end: icaljsTime(event.endDate),
        tzid: event.startDate && !event.startDate.isDate ? event.startDate.zone.tzid : null,
        summary: event.summary,
        status: vevent.getFirstPropertyValue("status"),
        sequence: event.sequence,
      };
    });
    return { events, error: null };
  } catch (error) {
    return { events: [], error: `${error.name}: ${error.message}` };
  }
}

function nodeIcalText(value) {
  return value !== null && typeof value === "object" && "val" in value ? value.val : (value ?? null);
}

function nodeIcalTime(time, datetype) {
  if (!time) return null;
  if (datetype === "date") {
    // All-day values are local-midnight Dates; give the calendar date back.
    const pad = (n) => String(n).padStart(2, "0");
    return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`;
  }
  return time.toISOString();
}

// node-ical is lenient and resolves IANA and Windows zone names itself. It keys components by UID,
// so a duplicate UID shows up as a missing event.
function readWithNodeIcal(text) {
  try {
    const events = Object.values(nodeIcal.sync.parseICS(text))
      .filter((component) => component.type === "VEVENT")
      .map((event) => ({
        uid: event.uid ?? null,
        start: nodeIcalTime(event.start, event.datetype),
        end: nodeIcalTime(event.end, event.datetype),
        tzid: event.start?.tz ?? null,
        summary: nodeIcalText(event.summary),
        status: event.status ?? null,
        sequence: event.sequence === undefined ? null : Number(event.sequence),
      }));
    return { events, error: null };
  } catch (error) {
    return { events: [], error: `${error.name}: ${error.message}` };
  }
}

function read(text) {
  return { icaljs: readWithIcaljs(text), nodeical: readWithNodeIcal(text) };
}

// Strict UTF-8: a character broken by line folding must fail here, not become mojibake.
const input = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(0));
const output = input.trimStart().startsWith("[") ? JSON.parse(input).map(read) : read(input);
process.stdout.write(JSON.stringify(output));
