"""Organizer forms for the catalogue. Each form turns its input into service arguments."""
import re
from dataclasses import replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (  # type: ignore[attr-defined]  # types-wtforms predates SelectChoice (WTForms 3.3)
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..extensions import db
from ..languages import LANGUAGE_NAMES
from ..timezones import DEFAULT_TIMEZONE, is_known_timezone, timezone_names
from ..web.forms import (
    AppForm,
    bilingual_text,
    check_into_form,
    raise_as_field_error,
    require_one_language,
    select_choices,
    strip_whitespace,
    text,
    validated,
)
from ..web.local_time import local_instant, local_time_field, show_local_time
from . import services
from .details import (
    CampaignDetails,
    EventDetails,
    OrganizationDetails,
    RoomDetails,
    SessionDetails,
    SpeakerDetails,
    VenueDetails,
)
from .finding import EventFilter, FilterOptions, Month, search_words
from .labels import SECTOR_LABELS
from .models import Campaign, Event, EventSession, Organization, Sector, Venue

MAX_TITLE = 300
MAX_NAME = 200
MAX_TEXT = 10_000
MAX_SPEAKERS = 20


def in_supported_years(form: Form, field) -> None:
    """The wall-clock time typed, checked before it is converted to UTC (year 1 or 9999 would overflow)."""
    raise_as_field_error(services.check_supported_year, field.data, field.name)


def organization_choices() -> list[SelectChoice]:
    organizations = db.session.scalars(select(Organization).order_by(Organization.name_en, Organization.id))
    return select_choices((org.id, org.name) for org in organizations)


class CampaignForm(AppForm):
    slug = StringField(_l("Slug (part of the web address)"), validators=[DataRequired(), Length(max=80)],
                       filters=[strip_whitespace])
    year = IntegerField(_l("Year"), validators=[InputRequired(),
                                                NumberRange(min=services.FIRST_YEAR, max=services.LAST_YEAR)])
    name_zh, name_en = bilingual_text(_l("Name (Chinese)"), _l("Name (English)"), max_length=MAX_NAME)
    organizing_body_zh, organizing_body_en = bilingual_text(
        _l("Organizing body (Chinese)"), _l("Organizing body (English)"), max_length=MAX_NAME)
    description_zh, description_en = bilingual_text(
        _l("Description (Chinese)"), _l("Description (English)"), max_length=MAX_TEXT, textarea=True)
    main_language = SelectField(_l("Main language"), choices=select_choices(LANGUAGE_NAMES.items()))

    def __init__(self, *args, campaign: Campaign | None = None, **kwargs):
        super().__init__(*args, obj=campaign, **kwargs)
        self.campaign = campaign

    def validate_slug(self, field):
        raise_as_field_error(services.check_slug, field.data, campaign=self.campaign)

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) & require_one_language(self, "name")

    def to_details(self) -> CampaignDetails:
        return CampaignDetails(
            slug=validated(self.slug.data), year=validated(self.year.data), main_language=self.main_language.data,
            name_zh=text(self.name_zh), name_en=text(self.name_en),
            organizing_body_zh=self.organizing_body_zh.data or "",
            organizing_body_en=self.organizing_body_en.data or "",
            description_zh=self.description_zh.data or "", description_en=self.description_en.data or "")


class OrganizationForm(AppForm):
    name_zh, name_en = bilingual_text(_l("Name (Chinese)"), _l("Name (English)"), max_length=MAX_NAME)
    sector = SelectField(_l("Sector"), choices=select_choices(SECTOR_LABELS.items()))
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    uscc = StringField(_l("Unified Social Credit Code (optional)"), validators=[Optional(), Length(min=18, max=18)],
                       filters=[strip_whitespace, lambda code: code.upper() if code else code])
    description_zh, description_en = bilingual_text(
        _l("Description (Chinese)"), _l("Description (English)"), max_length=MAX_TEXT, textarea=True)

    def __init__(self, *args, organization: Organization | None = None, **kwargs):
        super().__init__(*args, obj=organization, **kwargs)
        self.organization = organization

    def validate_uscc(self, field):
        raise_as_field_error(services.check_uscc, field.data, organization=self.organization)

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) & require_one_language(self, "name")

    def to_details(self) -> OrganizationDetails:
        return OrganizationDetails(
            sector=Sector(self.sector.data), website=self.website.data or "", uscc=self.uscc.data or None,
            name_zh=self.name_zh.data or "", name_en=self.name_en.data or "",
            description_zh=self.description_zh.data or "", description_en=self.description_en.data or "")


class VenueForm(AppForm):
    name_zh, name_en = bilingual_text(_l("Name (Chinese)"), _l("Name (English)"), max_length=MAX_NAME)
    address_zh, address_en = bilingual_text(_l("Address (Chinese)"), _l("Address (English)"), max_length=300)
    district_zh, district_en = bilingual_text(_l("District (Chinese)"), _l("District (English)"), max_length=100)
    city_zh, city_en = bilingual_text(_l("City (Chinese)"), _l("City (English)"), max_length=100)
    timezone = SelectField(_l("Time zone"), default=DEFAULT_TIMEZONE)
    latitude = FloatField(_l("Latitude (optional)"), validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = FloatField(_l("Longitude (optional)"), validators=[Optional(), NumberRange(min=-180, max=180)])
    capacity = IntegerField(_l("Capacity (optional)"), validators=[Optional(), NumberRange(min=1, max=1_000_000)])
    rooms = TextAreaField(_l("Rooms, one per line"), validators=[Optional(), Length(max=5_000)], description=_l(
        "Write “Chinese name | English name”; a name without “|” is used in both languages. Write “\\|” for a "
        "“|” within a name, and “\\\\” for a backslash. Changing one language keeps the room. A new name in "
        "place of a removed one renames that room: its agenda items stay in it. A room removed with no new name "
        "in its place is deleted, and its agenda items lose their room."))
    directions_zh, directions_en = bilingual_text(
        _l("Directions (Chinese)"), _l("Directions (English)"), max_length=MAX_TEXT, textarea=True)

    def __init__(self, *args, venue: Venue | None = None, default_timezone: str = DEFAULT_TIMEZONE, **kwargs):
        super().__init__(*args, obj=venue, **kwargs)
        self.timezone.choices = select_choices((name, name) for name in timezone_names())
        if venue is None and not self.is_submitted():
            self.timezone.data = default_timezone
        if venue is not None and not isinstance(self.rooms.data, str):  # shown, or left out of a POST: as is
            self.rooms.data = "\n".join(room_line(RoomDetails.of(room)) for room in venue.rooms)

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) & require_one_language(self, "name")

    def to_details(self) -> VenueDetails:
        return VenueDetails(
            timezone=self.timezone.data, latitude=self.latitude.data, longitude=self.longitude.data,
            capacity=self.capacity.data, rooms=tuple(map(parse_room_line, (self.rooms.data or "").splitlines())),
            name_zh=text(self.name_zh), name_en=text(self.name_en), address_zh=text(self.address_zh),
            address_en=text(self.address_en), district_zh=text(self.district_zh), district_en=text(self.district_en),
            city_zh=text(self.city_zh), city_en=text(self.city_en), directions_zh=text(self.directions_zh),
            directions_en=text(self.directions_en))


ROOM_NAME_SEPARATOR = "|"
# In a room line "\|" is a "|" within a name and "\\" a backslash: every stored name comes back as it was.
ESCAPE = "\\"
ESCAPED = re.compile(r"\\([\\|])")
SEPARATOR = re.compile(r"(?<!\\)((?:\\\\)*)\|")  # a "|" after an even number of backslashes


def room_line(room: RoomDetails) -> str:
    """A room as one line of the venue form: “中文名 | English name”, or the one name both languages share."""
    if room.name_zh == room.name_en:
        return escape_room_name(room.name_zh)
    return f"{escape_room_name(room.name_zh)} {ROOM_NAME_SEPARATOR} {escape_room_name(room.name_en)}".strip()


def parse_room_line(line: str) -> RoomDetails:
    """“中文名 | English name” (either side may be empty), or one name for both languages."""
    separator = SEPARATOR.search(line)
    if separator is None:
        name = unescape_room_name(line).strip()
        return RoomDetails(name, name)
    name_zh, name_en = line[:separator.end(1)], line[separator.end():]
    return RoomDetails(unescape_room_name(name_zh).strip(), unescape_room_name(name_en).strip())


def escape_room_name(name: str) -> str:
    r"""A name as written in a room line: "A|B" → "A\|B", "A\B" → "A\\B"."""
    return name.replace(ESCAPE, ESCAPE * 2).replace(ROOM_NAME_SEPARATOR, ESCAPE + ROOM_NAME_SEPARATOR)


def unescape_room_name(text: str) -> str:
    r"""A name as written in a room line: "\|" → "|", "\\" → "\"; any other backslash is kept as typed."""
    return ESCAPED.sub(r"\1", text)


class EventForm(AppForm):
    campaign_id = SelectField(_l("Campaign"), coerce=int, validators=[InputRequired()])
    host_id = SelectField(_l("Host organization"), coerce=int, validators=[InputRequired()])
    co_host_ids = SelectMultipleField(_l("Co-hosts (optional)"), coerce=int, validators=[Optional()],
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    venue_id = SelectField(_l("Venue"), coerce=int, validators=[InputRequired()])
    title_zh, title_en = bilingual_text(_l("Title (Chinese)"), _l("Title (English)"), max_length=MAX_TITLE)
    description_zh, description_en = bilingual_text(
        _l("Description (Chinese)"), _l("Description (English)"), max_length=MAX_TEXT, textarea=True)
    timezone = SelectField(_l("Time zone of the times below"))
    starts_at, starts_at_fold = local_time_field(_l("Starts"), required=True, validators=[in_supported_years])
    ends_at, ends_at_fold = local_time_field(_l("Ends"), required=True, validators=[in_supported_years])
    capacity = IntegerField(_l("Capacity (seats)"), validators=[InputRequired(), NumberRange(min=1, max=100_000)])
    registration_opens_at, registration_opens_at_fold = local_time_field(
        _l("Registration opens (empty: when published)"), required=False, validators=[in_supported_years])
    registration_closes_at, registration_closes_at_fold = local_time_field(
        _l("Registration closes (empty: when the event starts)"), required=False, validators=[in_supported_years])
    waitlist_enabled = BooleanField(_l("When full, new sign-ups join a waiting list"), default=True)
    phone_required = BooleanField(_l("Ask for a mobile phone number (required)"), default=True)
    organization_required = BooleanField(_l("Ask for the organization (required)"), default=True)
    job_title_required = BooleanField(_l("Ask for the job title (required)"), default=False)

    LOCAL_TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")

    def __init__(self, *args, event: Event | None = None, default_timezone: str = DEFAULT_TIMEZONE, **kwargs):
        super().__init__(*args, obj=event, **kwargs)
        self.event = event
        self.timezone.choices = select_choices((name, name) for name in timezone_names())
        self.campaign_id.choices = select_choices((c.id, f"{c.year} · {c.name}") for c in
                                                  db.session.scalars(select(Campaign).order_by(Campaign.year.desc())))
        self.host_id.choices = organization_choices()
        self.co_host_ids.choices = self.host_id.choices
        venues = db.session.scalars(select(Venue).order_by(Venue.id))
        self.venue_id.choices = select_choices((venue.id, venue.name) for venue in venues)
        if self.is_submitted():
            return
        if event is None:
            self.timezone.data = default_timezone
        else:  # the form shows wall-clock time at the venue
            self.co_host_ids.data = [org.id for org in event.co_hosts]
            for name in self.LOCAL_TIMES:
                if getattr(event, name):
                    show_local_time(self, name, getattr(event, name), event.timezone)

    def local_timezone(self) -> str | None:
        """The zone the times are typed in; None while the choice is not a known zone."""
        return self.timezone.data if is_known_timezone(self.timezone.data or "") else None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators) & require_one_language(self, "title"):
            return False
        details = self.to_details()
        checks: list[tuple] = [
            (services.check_time_span, details.starts_at, details.ends_at),
            (services.check_registration_window, details.registration_opens_at, details.registration_closes_at,
             details.starts_at),
        ]
        if self.event is not None and self.event.id:
            checks.append((services.check_sessions_fit, self.event, details.starts_at, details.ends_at))
        return all(check_into_form(self, *check) for check in checks)

    def to_details(self) -> EventDetails:
        return EventDetails(
            campaign_id=self.campaign_id.data, host_id=self.host_id.data, venue_id=self.venue_id.data,
            timezone=self.timezone.data, capacity=validated(self.capacity.data),
            starts_at=validated(local_instant(self, "starts_at")), ends_at=validated(local_instant(self, "ends_at")),
            registration_opens_at=local_instant(self, "registration_opens_at"),
            registration_closes_at=local_instant(self, "registration_closes_at"),
            waitlist_enabled=self.waitlist_enabled.data, phone_required=self.phone_required.data,
            organization_required=self.organization_required.data, job_title_required=self.job_title_required.data,
            co_host_ids=tuple(self.co_host_ids.data or ()), title_zh=text(self.title_zh), title_en=text(self.title_en),
            description_zh=text(self.description_zh), description_en=text(self.description_en))


class CancelEventForm(AppForm):
    reason_zh, reason_en = bilingual_text(_l("Reason, shown to attendees (Chinese)"),
                                          _l("Reason, shown to attendees (English)"), max_length=2_000, textarea=True)
    # The page writes the number of people into the label (registration's signup_state).
    confirmed = BooleanField(_l("I understand that everyone registered will be told by e-mail"), validators=[
        DataRequired(_l("Tick this box to confirm that the event is cancelled and everyone registered is told."))])

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def validate(self, extra_validators=None) -> bool:
        """A draft is refused before its reason is looked at: the answer is to delete it."""
        return check_into_form(self, services.check_can_cancel, self.event) and \
            super().validate(extra_validators) & require_one_language(self, "reason")


class SpeakerForm(Form):
    name_zh, name_en = bilingual_text(_l("Full name (Chinese)"), _l("Full name (English)"), max_length=100)
    job_title_zh, job_title_en = bilingual_text(_l("Job title (Chinese)"), _l("Job title (English)"), max_length=150)
    organization_zh, organization_en = bilingual_text(_l("Organization (Chinese)"), _l("Organization (English)"),
                                                      max_length=200)

    def has_name(self) -> bool:
        return bool(text(self.name_zh) or text(self.name_en))

    def to_details(self) -> SpeakerDetails:
        return SpeakerDetails(
            name_zh=text(self.name_zh), name_en=text(self.name_en), job_title_zh=text(self.job_title_zh),
            job_title_en=text(self.job_title_en), organization_zh=text(self.organization_zh),
            organization_en=text(self.organization_en))


class SessionForm(AppForm):
    title_zh, title_en = bilingual_text(_l("Title (Chinese)"), _l("Title (English)"), max_length=MAX_TITLE)
    starts_at, starts_at_fold = local_time_field(_l("Starts"), required=True, validators=[in_supported_years])
    ends_at, ends_at_fold = local_time_field(_l("Ends"), required=True, validators=[in_supported_years])
    room_id = SelectField(_l("Room (optional)"), coerce=int, validators=[Optional()])
    abstract_zh, abstract_en = bilingual_text(
        _l("Abstract (Chinese)"), _l("Abstract (English)"), max_length=MAX_TEXT, textarea=True)
    speakers = FieldList(FormField(SpeakerForm), min_entries=1, max_entries=MAX_SPEAKERS)

    NO_ROOM = 0
    BLANK_SPEAKER_ROWS = 2

    def __init__(self, *args, event: Event, session: EventSession | None = None, **kwargs):
        super().__init__(*args, obj=session, **kwargs)
        self.event = event
        rooms = [(room.id, room.name) for room in event.venue.rooms]  # in the organizer's language
        self.room_id.choices = select_choices([(self.NO_ROOM, "—"), *rooms])
        if self.is_submitted():
            return
        shown = session or event
        show_local_time(self, "starts_at", shown.starts_at, event.timezone)
        show_local_time(self, "ends_at", shown.ends_at, event.timezone)
        if session is not None:
            self.room_id.data = session.room_id or self.NO_ROOM
        named = sum(1 for entry in self.speakers.entries if entry.form.has_name())
        while len(self.speakers.entries) < min(named + self.BLANK_SPEAKER_ROWS, MAX_SPEAKERS):
            self.speakers.append_entry()

    def local_timezone(self) -> str:
        return self.event.timezone

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators) & require_one_language(self, "title"):
            return False
        details = self.to_details()
        return check_into_form(self, services.check_time_span, details.starts_at, details.ends_at) and \
            check_into_form(self, services.check_session_within_event, self.event, details.starts_at,
                            details.ends_at)

    def to_details(self) -> SessionDetails:
        speakers = tuple(row.form.to_details() for row in self.speakers.entries)
        return SessionDetails(
            starts_at=validated(local_instant(self, "starts_at")), ends_at=validated(local_instant(self, "ends_at")),
            room_id=self.room_id.data or None, speakers=speakers, title_zh=text(self.title_zh),
            title_en=text(self.title_en), abstract_zh=text(self.abstract_zh), abstract_en=text(self.abstract_en))



MAX_SEARCH = 100


class EventFilterForm(AppForm):
    """Filters over a list of events. A GET form: the query string is the state, so the results can be
    shared as a link. A value that is not valid shows its error and filters nothing."""

    class Meta:
        csrf = False

    q = StringField(_l("Title or host"), validators=[Optional(), Length(max=MAX_SEARCH)], filters=[search_words],
                    render_kw={"type": "search", "enterkeyhint": "search"})
    district = SelectField(_l("District"), validate_choice=False)
    month = SelectField(_l("Month"), validate_choice=False)

    def __init__(self, formdata, *, options: FilterOptions, **kwargs):
        super().__init__(formdata, **kwargs)
        self.district.choices = select_choices(
            [("", _l("All districts")), *sorted(((d.key, d.name) for d in options.districts), key=lambda c: c[1])])
        months = set(options.months)
        asked = Month.parse(self.month.data or "")
        if asked is not None and services.FIRST_YEAR <= asked.year <= services.LAST_YEAR:
            months.add(asked)  # a month without events (a link from last week): shown, it finds nothing
        self.month.choices = select_choices([("", _l("Any month")), *((str(m), m.label) for m in sorted(months))])

    def validate(self, extra_validators=None) -> bool:
        """False for input no link of ours makes (a 400). A value the list no longer offers (a link
        shared last month, its district's events over) is only noted next to the menu and ignored."""
        is_valid = super().validate(extra_validators)
        is_listed(self.district, _l("Choose a district from the list."))
        is_listed(self.month, _l("Choose a month from the list."))
        return is_valid

    def to_filter(self) -> EventFilter:
        """The valid fields only (after validate)."""
        return EventFilter(district=valid_value(self.district), month=Month.parse(valid_value(self.month)),
                           search=valid_value(self.q))

    def query_args(self, **overrides) -> dict[str, str | int]:
        """The valid filters as query arguments, for links to other pages of the results."""
        return {field.name: valid_value(field) for field in self if valid_value(field)} | overrides

    @property
    def is_filtering(self) -> bool:
        return any(field.data for field in self)


class UpcomingEventFilterForm(EventFilterForm):
    """The home page's filters, which also choose a campaign (by its slug)."""

    campaign = SelectField(_l("Campaign"), validate_choice=False)

    def __init__(self, formdata, *, options: FilterOptions, campaigns: list[Campaign], **kwargs):
        super().__init__(formdata, options=options, **kwargs)
        offered = [c for c in campaigns if c.id in options.campaign_ids or c.slug == self.campaign.data]
        self.campaign_ids = {campaign.slug: campaign.id for campaign in offered}
        self.campaign.choices = select_choices(
            [("", _l("All campaigns")), *((campaign.slug, campaign.name) for campaign in offered)])

    def validate(self, extra_validators=None) -> bool:
        is_valid = super().validate(extra_validators)
        is_listed(self.campaign, _l("Choose a campaign from the list."))  # a stale link: noted, ignored
        return is_valid

    def to_filter(self) -> EventFilter:
        return replace(super().to_filter(), campaign_id=self.campaign_ids.get(valid_value(self.campaign)))


def is_listed(field: SelectField, message) -> bool:
    """False, with `message` on the field, for a choice the list does not offer (a link's stale value)."""
    if not field.data or field.data in {value for value, *_ in field.iter_choices()}:
        return True
    field.errors = [*field.errors, str(message)]
    return False


def valid_value(field) -> str:
    return "" if field.errors or not isinstance(field.data, str) else field.data
