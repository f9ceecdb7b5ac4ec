"""Statistics as files: a page's tables as CSV (UTF-8 with a byte order mark, which Excel opens as Chinese) or as an
Excel workbook with one sheet per table. Every statistics page exports through here."""

import csv
import io

from django.http import HttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Section = tuple[str, list[str], list[list]]  # title, header, rows


def cell(value):
    """Numbers stay numbers; text that a spreadsheet would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_bytes(sections: list[Section], *, title: list[str]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(title)
    for heading, header, rows in sections:
        writer.writerow([])
        writer.writerow([heading])
        writer.writerow(header)
        writer.writerows([[cell(value) for value in row] for row in rows])
    return text.getvalue().encode("utf-8-sig")


def workbook_bytes(sections: list[Section]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for heading, header, rows in sections:
        sheet = book.create_sheet(title=heading[:31])
        sheet.append(header)
        for item in sheet[1]:
            item.font = Font(bold=True)
        for row in rows:
            sheet.append([cell(value) for value in row])
        sheet.freeze_panes = "A2"
        for index, label in enumerate(header, start=1):
            width = max([len(str(label))] + [len(str(row[index - 1] or "")) for row in rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(10, width * 2 + 2), 40)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_response(sections: list[Section], *, kind: str, name: str, title: list[str]) -> HttpResponse:
    if kind == "csv":
        response = HttpResponse(csv_bytes(sections, title=title), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(workbook_bytes(sections), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
