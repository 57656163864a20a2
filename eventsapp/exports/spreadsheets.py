"""Tables as files a spreadsheet opens: CSV (UTF-8 with a BOM, so Excel reads Chinese right) and XLSX.

A cell that starts like a formula (=, +, -, @, a tab or a carriage return) would be run by the
spreadsheet that opens the file: someone who signs up as `=HYPERLINK(...)` must not get a click out of
an organizer. CSV cells are neutralised with a leading apostrophe (what OWASP recommends); XLSX cells
are stored as text, which no spreadsheet evaluates. Pure: no Flask, no database.
"""
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | None


@dataclass(frozen=True)
class Table:
    title: str  # the sheet's name in an XLSX file
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def neutralised(value: Cell) -> Cell:
    """The value as a CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(table: Table) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([neutralised(header) for header in table.headers])
    writer.writerows([neutralised(value) for value in row] for row in table.rows)
    return "\ufeff".encode() + text.getvalue().encode()


def as_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # (no stubs) loaded for exports only

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(table.title)
    for row in (table.headers, *table.rows):
        sheet.append([None if value is None else value for value in row])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def sheet_title(title: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return cleaned[:31] or "Sheet"
