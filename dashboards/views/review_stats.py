"""The statistics of reviews (好差评统计): 好评率, 差评率, 差评整改率 and 回访率 per day or month and per department,
matter, window or clerk, with and without default ratings; printable as the monthly report, exported as CSV or
Excel. The figures come from evaluations (the same code the big screen's 今日满意度 reads)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dashboards.views.exports import export_response
from dashboards.views.history import BREAKDOWNS, form_error_texts, stats_filter_form
from evaluations.reports import rows_by_group, rows_by_period, total
from evaluations.selectors import ReviewFigures, is_long_range, reviews_between


def _columns() -> list[str]:
    return [
        _("Number of reviews"),
        _("Good"),
        _("Bad"),
        _("Good rate (%)"),
        _("Bad rate (%)"),
        _("Rectified rate (%)"),
        _("Called back rate (%)"),
        _("Default ratings"),
        _("Suspicious (apart)"),
    ]


def _values(f: ReviewFigures) -> list:
    rates = [f.good_rate, f.bad_rate, f.rectification_rate, f.callback_rate]
    return [f.reviews, f.good, f.bad, *rates, f.defaults, f.suspicious]


def _report(request):
    form = stats_filter_form(request)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    with_defaults = request.GET.get("defaults") != "without"
    reviews = reviews_between(
        first=data["date_from"], last=data["date_to"], center_ids=[data["center"].pk], with_defaults=with_defaults
    )
    if data.get("department"):
        reviews = reviews.filter(department_id=data["department"])
    by = request.GET.get("by") if request.GET.get("by") in BREAKDOWNS else "department"
    long_range = is_long_range(data["date_from"], data["date_to"])
    report = {
        "center": data["center"],
        "filters": data,
        "with_defaults": with_defaults,
        "by": by,
        "by_label": BREAKDOWNS[by],
        "total": total(reviews, long_range=long_range),
        "periods": rows_by_period(reviews, period=data["granularity"], long_range=long_range),
        "rows": rows_by_group(reviews, group=by, long_range=long_range),
    }
    return form, report


def _query(report) -> str:
    data = report["filters"]
    return urlencode(
        {
            "center": report["center"].pk,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "granularity": data["granularity"],
            "department": data.get("department") or "",
            "by": report["by"],
            "defaults": "with" if report["with_defaults"] else "without",
        }
    )


@login_required
def review_stats(request):
    form, report = _report(request)
    context = {"form": form, "report": report, "errors": form_error_texts(form) if report is None else []}
    if report:
        context["query"] = _query(report)
        context["dimensions"] = BREAKDOWNS.items()
        # The tables as the exports have them: one list of columns, one list of values a row.
        context["columns"] = _columns()
        context["total_values"] = _values(report["total"])
        context["period_rows"] = [(row.label, _values(row.figures)) for row in report["periods"]]
        context["group_rows"] = [(row.label, _values(row.figures)) for row in report["rows"]]
    return render(request, "dashboards/review_stats.html", context)


def _export(request, kind: str) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return HttpResponse("\n".join(form_error_texts(form)), status=400, content_type="text/plain; charset=utf-8")
    data = report["filters"]
    period_label = _("Day") if data["granularity"] == "day" else _("Month")
    defaults = _("with default ratings") if report["with_defaults"] else _("without default ratings")
    sections = [
        (_("Total"), _columns(), [_values(report["total"])]),
        (
            _("Per day") if data["granularity"] == "day" else _("Per month"),
            [period_label, *_columns()],
            [[row.label, *_values(row.figures)] for row in report["periods"]],
        ),
        (
            str(report["by_label"]),
            [str(report["by_label"]), *_columns()],
            [[row.label, *_values(row.figures)] for row in report["rows"]],
        ),
    ]
    name = f"review-stats-{report['center'].code}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
    title = [_("Review statistics"), report["center"].name, defaults]
    return export_response(sections, kind=kind, name=name, title=title)


@login_required
def review_stats_csv(request):
    return _export(request, "csv")


@login_required
def review_stats_xlsx(request):
    return _export(request, "xlsx")
