"""Export files, CSV or XLSX, written from rows (lists of values) and streamed.

CSV streams to the client as rows are read; XLSX is written by openpyxl's
write-only workbook to a temporary file, then streamed from disk: neither
builds the whole export in memory. The rows themselves are built where their
data lives (e.g. partnerships/assessments/exports.py).

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


def _csv_cell(value):
    value = spreadsheet_safe(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _seconds(value).isoformat()  # ISO 8601 with the zone's offset
    return value


def csv_response(filename: str, rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    cells = _in_language(rows, _csv_cell)

    def lines():
        yield BOM
        for row in cells:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


def xlsx_response(filename: str, rows: Iterable[list], title: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"  # the header row stays in view
    for index, row in enumerate(_in_language(rows, _xlsx_cell(sheet))):
        if index == 0:
            for header in row:
                header.font = Font(bold=True)
        sheet.append(row)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
