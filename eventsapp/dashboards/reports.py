"""The dashboards' pages as figures: each a chart and the table of the same numbers, in the reader's
language (dates and numbers as the locale writes them). Reads through queries.py; draws through charts.py."""
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..catalogue.labels import event_ordinal
from ..catalogue.models import Campaign, Event, Organization
from ..catalogue.queries import campaign_events
from ..i18n import current_language, format_local_time
from ..languages import pick_language
from ..registration.delegations import DelegationState, delegation_grid
from ..timezones import DEFAULT_TIMEZONE, utc_to_local, zone_label
from . import queries
from .charts import Chart, Series, bar_chart, column_chart, step_chart
from .queries import CampaignTotals, Day, EventFigures


def number(value: float) -> str:
    return format_decimal(value, locale=get_locale())


def percent(value: float | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0.#%", locale=get_locale())


def short_day(day: date) -> str:
    """'Mar 5' / '3月5日'."""
    return format_skeleton("MMMd", day, locale=get_locale())


def long_day(day: date) -> str:
    return format_date(day, "medium", locale=get_locale())


@dataclass(frozen=True)
class Figure:
    """A chart and its accessible equivalent: a table of the same numbers (a caption, headers, rows)."""

    chart: Chart
    draw: Callable[[Chart], Markup]
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]

    @property
    def svg(self) -> Markup:
        return self.draw(self.chart)


# ---------- One event ----------

def event_days(event: Event, *, now: datetime) -> list[Day]:
    """Every local day from the first sign-up to today (or the event's last day, once over), with the sign-ups
    that day and, at its end, the total, the seats held and the waiting list. Two queries."""
    signed_up = queries.sign_ups_per_day(event)
    changes = queries.seats_and_waiting_list_changes(event)
    known = set(signed_up).union(*changes.values())
    if not known:
        return []
    first = min(known)
    last = max(max(known), utc_to_local(min(now, event.ends_at), event.timezone).date())
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def running(plus: str, minus: str) -> list[int]:
        return list(accumulate(changes.get(plus, {}).get(day, 0) - changes.get(minus, {}).get(day, 0)
                               for day in days))

    new = [signed_up.get(day, 0) for day in days]
    return [Day(day, *numbers) for day, *numbers in zip(days, new, accumulate(new), running("seated", "unseated"),
                                                        running("waiting", "left"), strict=True)]


def sign_ups_figure(days: list[Day]) -> Figure:
    total = days[-1].total if days else 0
    description = (_("%(total)s sign-ups from %(first)s to %(last)s; the table gives each day.", total=number(total),
                     first=long_day(days[0].day), last=long_day(days[-1].day)) if days else _("No sign-ups yet."))
    chart = Chart("chart-sign-ups", _("Sign-ups per day"), description, [short_day(d.day) for d in days],
                  [Series(_("Sign-ups"), [d.signed_up for d in days])], _("No sign-ups yet."), number)
    return Figure(chart, column_chart, (_("Day"), _("Sign-ups"), _("Total so far")),
                  [(long_day(d.day), number(d.signed_up), number(d.total)) for d in days])


def over_time_figure(days: list[Day], capacity: int) -> Figure:
    description = (_("At the end of %(last)s: %(total)s signed up, %(seated)s holding a seat of %(capacity)s, "
                     "%(waiting)s on the waiting list.", last=long_day(days[-1].day), total=number(days[-1].total),
                     seated=number(days[-1].seated), capacity=number(capacity), waiting=number(days[-1].waiting))
                   if days else _("No sign-ups yet."))
    chart = Chart("chart-over-time", _("Seats and waiting list over time"), description,
                  [short_day(d.day) for d in days],
                  [Series(_("Signed up (total)"), [d.total for d in days]),
                   Series(_("Holding a seat"), [d.seated for d in days]),
                   Series(_("Waiting list"), [d.waiting for d in days])],
                  _("No sign-ups yet."), number, reference=(capacity, _("Capacity %(num)s", num=number(capacity))))
    return Figure(chart, step_chart, (_("Day"), _("Signed up (total)"), _("Holding a seat"), _("Waiting list")),
                  [(long_day(d.day), number(d.total), number(d.seated), number(d.waiting)) for d in days])


def attendance_figure(figures: EventFigures) -> Figure | None:
    """Checked in and no-shows: only after the event."""
    if not figures.ended:
        return None
    chart = Chart("chart-attendance", _("Attendance"),
                  _("%(checked_in)s of %(seated)s people holding a seat checked in (%(rate)s); %(no_shows)s did not "
                    "come (%(no_show_rate)s).", checked_in=number(figures.checked_in), seated=number(figures.seated),
                    rate=percent(figures.attendance_rate), no_shows=number(figures.no_shows or 0),
                    no_show_rate=percent(figures.no_show_rate)),
                  [_("Checked in"), _("No-shows")], [Series(_("People"), [figures.checked_in, figures.no_shows or 0])],
                  _("Nobody held a seat."), number)
    return Figure(chart, bar_chart, (_("Attendance"), _("People"), _("Share")),
                  [(_("Checked in"), number(figures.checked_in), percent(figures.attendance_rate)),
                   (_("No-shows"), number(figures.no_shows or 0), percent(figures.no_show_rate))])


def late_arrivals(per_period: dict[int, int]) -> int:
    """Checked in LATE_AFTER (15 minutes) or more after the start."""
    return sum(n for period, n in per_period.items() if period * queries.CHECK_IN_PERIOD >= queries.LATE_AFTER)


def arrivals_figure(event: Event, per_period: dict[int, int]) -> Figure:
    """Check-ins per quarter hour, from the one before the start (or the first check-in) to the last check-in,
    labelled with the local time at the venue where each quarter hour begins."""
    periods = list(range(min(min(per_period), -1), max(per_period) + 1)) if per_period else []
    counts = [per_period.get(period, 0) for period in periods]
    labels = [format_local_time(event.starts_at + period * queries.CHECK_IN_PERIOD, event.timezone)
              for period in periods]
    total, late = sum(counts), late_arrivals(per_period)
    description = (_("%(total)s people checked in, %(late)s of them %(minutes)s minutes or more after the start "
                     "(%(share)s). Times are local at the venue (%(zone)s).", total=number(total),
                     late=number(late), minutes=int(queries.LATE_AFTER.total_seconds() // 60),
                     share=percent(late / total), zone=zone_label(event.starts_at, event.timezone))
                   if total else _("Nobody has checked in yet."))
    chart = Chart("chart-arrivals", _("Check-ins per quarter hour"), description, labels,
                  [Series(_("Check-ins"), counts)], _("Nobody has checked in yet."), number)
    return Figure(chart, column_chart, (_("Quarter hour from"), _("Check-ins"), _("Total so far")),
                  [(label, number(n), number(so_far))
                   for label, n, so_far in zip(labels, counts, accumulate(counts), strict=True)])


def organizations_figure(organizations: list[tuple[str, int]]) -> Figure:
    chart = Chart("chart-organizations", _("Top organizations"),
                  _("The organizations people gave most often when signing up (cancelled sign-ups left out)."),
                  [name for name, _n in organizations], [Series(_("People"), [n for _name, n in organizations])]
                  if organizations else [], _("No organization given yet."), number)
    return Figure(chart, bar_chart, (_("Organization"), _("People")),
                  [(name, number(n)) for name, n in organizations])


def delegations_figure(grid: list[DelegationState]) -> Figure:
    active = [state for state in grid if state.delegation.is_active]
    names = [state.delegation.organization.name for state in active]
    chart = Chart("chart-delegations", _("Company seats"),
                  _("Seats granted to each company, how many its people hold and how many checked in."), names,
                  [Series(_("Seats granted"), [s.delegation.quota for s in active]),
                   Series(_("Confirmed"), [s.confirmed + s.checked_in for s in active]),
                   Series(_("Checked in"), [s.checked_in for s in active])] if active else [],
                  _("No company has seats at this event."), number)
    return Figure(chart, bar_chart, (_("Company"), _("Seats granted"), _("Named"), _("Confirmed"), _("Checked in")),
                  [(name, number(s.delegation.quota), number(s.named), number(s.confirmed + s.checked_in),
                    number(s.checked_in)) for name, s in zip(names, active, strict=True)])


def event_dashboard(event: Event, *, now: datetime) -> dict:
    """Everything the event's dashboard shows: six aggregate queries and the company grid's two."""
    figures = queries.event_figures([event], now=now)[event.id]
    days = event_days(event, now=now)
    arrivals = queries.check_ins_per_period(event)
    return dict(event=event, figures=figures, late_arrivals=late_arrivals(arrivals),
                late_after_minutes=int(queries.LATE_AFTER.total_seconds() // 60), sections=[
                    sign_ups_figure(days), over_time_figure(days, event.capacity), attendance_figure(figures),
                    arrivals_figure(event, arrivals), organizations_figure(queries.top_organizations(event)),
                    delegations_figure(delegation_grid(event))])


# ---------- A campaign ----------

def event_label(number_in_campaign: int, event: Event) -> str:
    return f"{event_ordinal(number_in_campaign)} · {event.title}"


def fill_figure(numbered: list[tuple[int, Event]], figures: dict[int, EventFigures]) -> Figure:
    held = [(n, e) for n, e in numbered if not e.is_cancelled]
    chart = Chart("chart-fill", _("Fill rate per event"), _("Seats held as a share of each event's capacity."),
                  [event_label(n, e) for n, e in held], [Series(_("Fill rate"), [figures[e.id].fill_rate
                                                                                  for _n, e in held])] if held else [],
                  _("No events yet."), percent, whole_numbers=False, top=1.0)
    return Figure(chart, bar_chart, (_("Event"), _("Capacity"), _("Holding a seat"), _("Fill rate")),
                  [(event_label(n, e), number(figures[e.id].capacity), number(figures[e.id].seated),
                    percent(figures[e.id].fill_rate)) for n, e in held])


def registrations_figure(numbered: list[tuple[int, Event]], figures: dict[int, EventFigures],
                         *, chart_id: str = "chart-registrations") -> Figure:
    labels = [event_label(n, e) for n, e in numbered]
    chart = Chart(chart_id, _("Registrations per event"),
                  _("People holding a seat and on the waiting list at each event."), labels,
                  [Series(_("Holding a seat"), [figures[e.id].seated for _n, e in numbered]),
                   Series(_("Waiting list"), [figures[e.id].waitlisted for _n, e in numbered])] if numbered else [],
                  _("No events yet."), number)
    return Figure(chart, bar_chart, (_("Event"), _("Registered"), _("Holding a seat"), _("Waiting list"),
                                     _("Cancelled")),
                  [(label, number(f.registered), number(f.seated), number(f.waitlisted), number(f.cancelled))
                   for label, f in zip(labels, (figures[e.id] for _n, e in numbered), strict=True)])


def attendance_per_event_figure(numbered: list[tuple[int, Event]], figures: dict[int, EventFigures]) -> Figure:
    over = [(n, e) for n, e in numbered if figures[e.id].ended and not e.is_cancelled]
    labels = [event_label(n, e) for n, e in over]
    chart = Chart("chart-attendance", _("Attendance and no-shows"),
                  _("At each event that is over: who checked in, and who held a seat but did not come."), labels,
                  [Series(_("Checked in"), [figures[e.id].checked_in for _n, e in over]),
                   Series(_("No-shows"), [figures[e.id].no_shows or 0 for _n, e in over])] if over else [],
                  _("No event is over yet."), number)
    return Figure(chart, bar_chart, (_("Event"), _("Checked in"), _("No-shows"), _("Attendance rate")),
                  [(label, number(figures[e.id].checked_in), number(figures[e.id].no_shows or 0),
                    percent(figures[e.id].attendance_rate)) for label, (_n, e) in zip(labels, over, strict=True)])


def companies_figure(companies: list[queries.CompanyFigures]) -> Figure:
    names = [pick_language(c.name_zh, c.name_en, current_language()) for c in companies]
    chart = Chart("chart-companies", _("Companies that sent the most people"),
                  _("People each company's seats brought: holding a seat, and checked in."), names,
                  [Series(_("Holding a seat"), [c.seated for c in companies]),
                   Series(_("Checked in"), [c.checked_in for c in companies])] if companies else [],
                  _("No company has seats yet."), number)
    return Figure(chart, bar_chart, (_("Company"), _("Events"), _("Seats granted"), _("Holding a seat"),
                                     _("Checked in")),
                  [(name, number(c.events), number(c.quota), number(c.seated), number(c.checked_in))
                   for name, c in zip(names, companies, strict=True)])


@dataclass(frozen=True)
class HostRow:
    organization: Organization
    events: list[str]
    registered: int
    checked_in: int


def hosts(numbered: list[tuple[int, Event]], figures: dict[int, EventFigures]) -> list[HostRow]:
    """Each host or co-host with its events, and their registrations and attendance (no query)."""
    rows: dict[int, tuple[Organization, list[tuple[int, Event]]]] = {}
    for n, event in numbered:
        for organization in (event.host, *event.co_hosts):
            rows.setdefault(organization.id, (organization, []))[1].append((n, event))
    return [HostRow(organization, [event_label(n, e) for n, e in events],
                    sum(figures[e.id].registered for _n, e in events if not e.is_cancelled),
                    sum(figures[e.id].checked_in for _n, e in events if not e.is_cancelled))
            for organization, events in rows.values()]


def campaign_report(campaign: Campaign, *, now: datetime) -> dict:
    """The organizers' campaign report: its public events (drafts are left out), in four queries."""
    numbered = campaign_events(campaign)
    events = [event for _n, event in numbered]
    figures = queries.event_figures(events, now=now)
    totals: CampaignTotals = queries.campaign_totals(events, figures)
    timezone = events[0].timezone if events else DEFAULT_TIMEZONE
    return dict(campaign=campaign, numbered=numbered, figures=figures, totals=totals,
                hosts=hosts(numbered, figures), now=now, timezone=timezone, sections=[
                    fill_figure(numbered, figures), registrations_figure(numbered, figures),
                    attendance_per_event_figure(numbered, figures),
                    companies_figure(queries.top_companies(events))])


def campaign_summary(campaign: Campaign, *, now: datetime) -> dict:
    """The public summary: totals and registrations per event, hosts by name; nobody's personal data."""
    numbered = campaign_events(campaign)
    events = [event for _n, event in numbered]
    figures = queries.event_figures(events, now=now)
    held = [(n, e) for n, e in numbered if not e.is_cancelled]
    return dict(campaign=campaign, totals=queries.campaign_totals(events, figures),
                hosts=hosts(numbered, figures), registrations=public_registrations_figure(held, figures))


def public_registrations_figure(numbered: list[tuple[int, Event]], figures: dict[int, EventFigures]) -> Figure:
    labels = [event_label(n, e) for n, e in numbered]
    chart = Chart("chart-public-registrations", _("Registrations per event"),
                  _("People registered for each event, and those who attended the events that are over."), labels,
                  [Series(_("Registered"), [figures[e.id].registered for _n, e in numbered]),
                   Series(_("Attended"), [figures[e.id].checked_in for _n, e in numbered])] if numbered else [],
                  _("No events yet."), number)
    return Figure(chart, bar_chart, (_("Event"), _("Registered"), _("Attended")),
                  [(label, number(figures[e.id].registered),
                    number(figures[e.id].checked_in) if figures[e.id].ended else "—")
                   for label, (_n, e) in zip(labels, numbered, strict=True)])
