"""The statistics of cases (办件统计): 办件量, 办结率, 按时办结率, 最多跑一次率, 网上可办率 and 平均跑动次数 per day or
month and per department, matter, window or clerk, with charts, CSV and Excel, printable. The figures come from
matters.statistics, the same code the API and the big screen read."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from centers.models import Center
from dashboards.views.exports import export_response
from dashboards.views.history import BREAKDOWNS, form_error_texts, stats_filter_form
from matters.models import Case
from matters.statistics import CaseFigures, accepted_between, case_figures, catalogue_figures
from queueing.selectors.cases import case_figures_by_window

DIMENSIONS = BREAKDOWNS


def _columns() -> list[str]:
    return [
        _("Cases"),
        _("Concluded"),
        _("Concluded rate (%)"),
        _("On-time rate (%)"),
        _("At most one visit (%)"),
        _("Online (%)"),
        _("Mean visits"),
        _("Materials by e-licence"),
    ]


def _values(f: CaseFigures) -> list:
    rates = [f.concluded_rate, f.on_time_rate, f.one_visit_rate, f.online_rate, f.mean_visits]
    return [f.received, f.concluded, *rates, f.e_licensed]


def _report(request):
    form = stats_filter_form(request)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    center: Center = data["center"]
    cases = Case.objects.filter(center=center)
    if data.get("department"):
        cases = cases.filter(department_id=data["department"])
    cases = accepted_between(data["date_from"], data["date_to"], cases)
    by = request.GET.get("by") if request.GET.get("by") in DIMENSIONS else "department"
    rows = case_figures_by_window(cases) if by == "window" else case_figures(cases, by=by)
    (total,) = case_figures(cases)
    report = {
        "center": center,
        "filters": data,
        "by": by,
        "by_label": DIMENSIONS[by],
        "total": total,
        "periods": case_figures(cases, period=data["granularity"]),
        "rows": sorted(rows, key=lambda f: -f.received),
        "catalogue": catalogue_figures(),
    }
    return form, report


def _label(row: CaseFigures, by: str) -> str:
    if by == "window":
        return _("Window %(number)s") % {"number": row.label} if row.key else _("Online (no window)")
    return row.label or "—"


@login_required
def case_stats(request):
    form, report = _report(request)
    context = {"form": form, "report": report, "errors": form_error_texts(form) if report is None else []}
    if report:
        data = report["filters"]
        context["query"] = urlencode(
            {
                "center": report["center"].pk,
                "date_from": data["date_from"],
                "date_to": data["date_to"],
                "granularity": data["granularity"],
                "department": data.get("department") or "",
                "by": report["by"],
            }
        )
        context["dimensions"] = DIMENSIONS.items()
        context["labelled_rows"] = [(_label(row, report["by"]), row) for row in report["rows"]]
        context["chart_data"] = {
            "labels": [
                f"{p.period:%Y-%m-%d}" if data["granularity"] == "day" else f"{p.period:%Y-%m}"
                for p in report["periods"]
            ],
            "received": [p.received for p in report["periods"]],
            "concluded": [p.concluded for p in report["periods"]],
            "onTime": [p.on_time_rate for p in report["periods"]],
            "names": {"received": _("Cases"), "concluded": _("Concluded"), "onTime": _("On-time rate (%)")},
        }
    return render(request, "dashboards/case_stats.html", context)


def _export(request, kind: str) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return HttpResponse("\n".join(form_error_texts(form)), status=400, content_type="text/plain; charset=utf-8")
    data, by = report["filters"], report["by"]
    period_label = _("Day") if data["granularity"] == "day" else _("Month")
    sections = [
        (_("Total"), _columns(), [_values(report["total"])]),
        (
            _("Per day") if data["granularity"] == "day" else _("Per month"),
            [period_label, *_columns()],
            [[f"{p.period:%Y-%m-%d}", *_values(p)] for p in report["periods"]],
        ),
        (
            str(report["by_label"]),
            [str(report["by_label"]), *_columns()],
            [[_label(r, by), *_values(r)] for r in report["rows"]],
        ),
    ]
    name = f"case-stats-{report['center'].code}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
    return export_response(sections, kind=kind, name=name, title=[_("Case statistics"), report["center"].name])


@login_required
def case_stats_csv(request):
    return _export(request, "csv")


@login_required
def case_stats_xlsx(request):
    return _export(request, "xlsx")
