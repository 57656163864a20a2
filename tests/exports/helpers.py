"""What the export tests share: a hostile cell, a registration made in one line, files read back."""
import csv
import io

from openpyxl import load_workbook

from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus

HOSTILE = "=HYPERLINK(\"http://evil.example\",\"点我\")"


def csv_rows(response) -> list[list[str]]:
    assert response.data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with its BOM
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def add(event, email: str, name: str, *, shares: bool = False, status=RegistrationStatus.CONFIRMED, **fields):
    registration = Registration(event=event, email=email, name=name, status=status, shares_with_host=shares,
                                phone="+8613800138000", organization=fields.pop("organization", "上海地铁"),
                                **fields)
    db.session.add(registration)
    db.session.commit()
    return registration
