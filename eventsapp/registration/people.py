"""One person a company names (SPEC 4c): their details, the rules those details obey, and reading a
roster from an uploaded CSV or XLSX file. Pure: no request, no database."""
import csv
import io
import re
from dataclasses import dataclass
from itertools import islice

from email_validator import EmailNotValidError, validate_email
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..phones import InvalidPhone, normalize_phone
from ..text import has_control_character

# Something a mail client would turn into a link: a scheme, www., an address, or a host name.
LINK_PATTERN = re.compile(r"://|www\.|@|\.(?:com|cn|net|org|info|io|me|cc|co|ly|top|xyz|site|shop|vip|ru)\b",
                          re.IGNORECASE)
PHONE_MESSAGE = _l("Please enter an 11-digit mobile number (e.g. 138 0013 8000), or a number from abroad starting "
                   "with + and the country code (e.g. +49 151 1234 5678).")
MAX_ROSTER_ROWS = 500  # more than any event's seats: a bigger file is not a roster
MAX_SCANNED_ROWS = 10 * MAX_ROSTER_ROWS  # of a spreadsheet, blank rows included
# The columns of a roster file, by the headers people write in either language.
HEADERS = {
    "name": {"姓名", "名字", "name", "full name"},
    "email": {"邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail", "email address", "e-mail address"},
    "phone": {"手机", "手机号", "手机号码", "电话", "mobile", "mobile phone", "phone"},
    "job_title": {"职务", "职位", "job title", "title", "position"},
}


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str = ""  # as typed; normalized by checked()
    job_title: str = ""
    line: int = 1  # the row of the table or the line of the file, for messages


@dataclass(frozen=True)
class Problem:
    line: int
    field: str  # name, email, phone or job_title
    message: str

    def __str__(self) -> str:
        return str(_l("Line %(line)d: %(message)s", line=self.line, message=self.message))


class RosterFileError(ValueError):
    """The file is not a roster we can read (the message says why)."""

    def __init__(self, message: LazyString | str):
        super().__init__(str(message))
        self.message = message


def problems_of(person: Person, *, phone_required: bool, job_title_required: bool) -> list[Problem]:
    """What is wrong with one person's details, field by field (empty when nothing is)."""
    found: list[Problem] = []
    person = stripped(person)

    def refuse(field: str, message) -> None:
        found.append(Problem(person.line, field, str(message)))

    # A file is not a form: line breaks, tabs and NULs (which PostgreSQL cannot store) are refused here.
    unreadable = [field for field in ("name", "email", "phone", "job_title")
                  if has_control_character(getattr(person, field))]
    for field in unreadable:
        refuse(field, _l("This text contains characters that are not allowed."))
    if unreadable:
        return found

    if not person.name:
        refuse("name", _l("Please enter the name."))
    elif len(person.name) > 100 or LINK_PATTERN.search(person.name):
        refuse("name", _l("Enter a name only (at most 100 characters), without a web or e-mail address."))
    if not person.email:
        refuse("email", _l("Please enter the e-mail address."))
    elif not is_valid_email(person.email):
        refuse("email", _l("%(email)s is not a valid e-mail address.", email=person.email))
    if person.phone:
        try:
            normalize_phone(person.phone)
        except InvalidPhone:
            refuse("phone", PHONE_MESSAGE)
    elif phone_required:
        refuse("phone", _l("Please enter the mobile number."))
    if len(person.job_title) > 150:
        refuse("job_title", _l("Please shorten the job title to 150 characters or fewer."))
    elif not person.job_title and job_title_required:
        refuse("job_title", _l("Please enter the job title."))
    return found


def stripped(person: Person) -> Person:
    """Spaces around a value, from copy-paste or a spreadsheet cell, never make it wrong."""
    return Person(name=person.name.strip(), email=person.email.strip(), phone=person.phone.strip(),
                  job_title=person.job_title.strip(), line=person.line)


def is_valid_email(email: str) -> bool:
    if len(email) > 254:
        return False
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def read_roster_file(filename: str, data: bytes) -> list[Person]:
    """The people of a CSV (UTF-8 with or without BOM, or GBK as Excel saves it in China) or XLSX file
    whose first row names the columns. Blank rows are skipped; each person keeps their line number."""
    if filename.lower().endswith(".xlsx"):
        rows = xlsx_rows(data)
    elif filename.lower().endswith(".csv"):
        rows = csv_rows(data)
    else:
        raise RosterFileError(_l("Please upload a .csv or .xlsx file."))
    header = next(rows, None)
    columns = column_positions(header[1] if header else [])
    people: list[Person] = []
    for line, cells in rows:
        values = {field: cell_text(cells[index]) if index < len(cells) else "" for field, index in columns.items()}
        if not any(values.values()):
            continue
        if len(people) == MAX_ROSTER_ROWS:
            raise RosterFileError(_l("A roster file has at most %(count)d people.", count=MAX_ROSTER_ROWS))
        people.append(Person(name=values["name"], email=values["email"], phone=values.get("phone", ""),
                             job_title=values.get("job_title", ""), line=line))
    if not people:
        raise RosterFileError(_l("This file has nobody in it, below its header row."))
    return people


def column_positions(header) -> dict[str, int]:
    """{"name": 0, "email": 1, ...} from the header row; name and e-mail must be there."""
    found = {}
    for index, title in enumerate(header):
        label = " ".join(cell_text(title).lower().replace("_", " ").split())
        for field, names in HEADERS.items():
            if label in names and field not in found:
                found[field] = index
    if "name" not in found or "email" not in found:
        raise RosterFileError(_l("The first row must name the columns: 姓名/name, 邮箱/email, and if you have "
                                 "them 手机/mobile and 职务/job title."))
    return found


def cell_text(value) -> str:
    """A cell as text: a phone number Excel stored as the number 13800138000.0 reads 13800138000."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):  # GB 18030 reads every GBK file
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(_l("This file's text could not be read: please save it as CSV UTF-8."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise RosterFileError(_l("This CSV file could not be read (line %(line)d).", line=reader.line_num)) from error


def xlsx_rows(data: bytes):
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # (no stubs) loaded for spreadsheets only

    unreadable = RosterFileError(_l("This file could not be read as an Excel workbook (.xlsx)."))
    # Whatever a crafted or broken file makes the parser raise, it is the file's fault, not a server error.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise unreadable from error
    try:
        # A small file may unpack to millions of rows: read no more than a roster can have (blank ones too).
        rows = [(line, list(cells)) for line, cells in enumerate(
            islice(workbook.worksheets[0].iter_rows(values_only=True), MAX_SCANNED_ROWS), start=1)]
    except Exception as error:
        raise unreadable from error
    finally:
        workbook.close()
    yield from rows
