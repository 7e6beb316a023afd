"""Export files, CSV or XLSX, written from rows (lists of values).

The same cell rules serve both paths: a response streamed to the client (the admin's
actions: CSV as rows are read; XLSX by openpyxl's write-only workbook to a temporary
file, then streamed from disk) and a file written by a background job
(partnerships/jobs: `write_csv`, `write_xlsx`). Neither builds the whole export in
memory. The rows themselves are built where their data lives (e.g.
partnerships/assessments/exports.py).

Text a spreadsheet would run as a formula is neutralised in both (`spreadsheet_safe`).
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP, "CSV
# injection"): a quote in front makes it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # tells Excel the CSV is UTF-8, so that Chinese text opens correctly


def spreadsheet_safe(value):
    """The value as a cell: text starting like a formula gets a leading quote; numbers
    (negative ones too), dates and empty cells are left as they are."""
    if value.__class__ is str:  # most cells, first: an export has millions
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _seconds(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value).replace(microsecond=0)


def _in_language(rows: Iterable[list], cell: Callable) -> Iterator[list]:
    """The rows' cells, built in the language active now (the request's), also when the
    response streams after the view has returned."""
    language = translation.get_language()
    end = object()

    def cells():
        remaining = iter(rows)
        while True:
            with translation.override(language):
                row = next(remaining, end)
                if row is end:
                    return
                built = [cell(value) for value in row]
            yield built

    return cells()


class _Echo:
    def write(self, value):
        return value


def _csv_cell(zone: datetime.tzinfo) -> Callable:
    # The zone read once, not for each of an export's million dates.
    def cell(value):
        value = spreadsheet_safe(value)
        if value is None:
            return ""
        if value.__class__ is datetime.datetime:
            # ISO 8601 with the zone's offset, to the second
            return value.astimezone(zone).replace(microsecond=0).isoformat()
        return value

    return cell


def csv_response(filename: str, rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    cells = _in_language(rows, _csv_cell(timezone.get_current_timezone()))

    def lines():
        yield BOM
        for row in cells:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_csv(path, rows: Iterable[list]) -> None:
    """The rows as a CSV file at `path`, written row by row, in the active language."""
    with open(path, "w", encoding="utf-8", newline="", buffering=1024 * 1024) as target:
        target.write(BOM)
        writer = csv.writer(target)
        cell = _csv_cell(timezone.get_current_timezone())
        for row in rows:
            writer.writerow(map(cell, row))


def _xlsx_cell(sheet):
    def cell(value):
        if isinstance(value, str | Promise):
            # openpyxl refuses control characters a note may hold: they are dropped.
            text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            written = WriteOnlyCell(sheet, value=spreadsheet_safe(text))
            written.data_type = "s"  # text, never a formula or an error code such as #N/A
            return written
        if isinstance(value, datetime.datetime):
            # A date cell; Excel has no time zones, so the zone's wall-clock time.
            return WriteOnlyCell(sheet, value=timezone.make_naive(_seconds(value)))
        return WriteOnlyCell(sheet, value=value)

    return cell


def _workbook(cell_rows: Callable, title: str) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"  # the header row stays in view
    for index, row in enumerate(cell_rows(_xlsx_cell(sheet))):
        if index == 0:
            for header in row:
                header.font = Font(bold=True)
        sheet.append(row)
    return workbook


def write_xlsx(path, rows: Iterable[list], title: str) -> None:
    """The rows as an XLSX file at `path`, in the active language."""

    def cell_rows(cell):
        return ([cell(value) for value in row] for row in rows)

    _workbook(cell_rows, title).save(path)


def xlsx_response(filename: str, rows: Iterable[list], title: str) -> FileResponse:
    workbook = _workbook(lambda cell: _in_language(rows, cell), title)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
