"""The use of e-licences (调用量): granted uses per day, per licence type and per department, and the refusals, for
a centre and a range; CSV and Excel. The figures come from licenses.selectors.use_figures, the same rule the big
screen's 今日用证次数 counts with."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dashboards.views.exports import export_response
from dashboards.views.history import form_error_texts, stats_filter_form
from licenses.selectors import use_figures


def _report(request):
    form = stats_filter_form(request)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    figures = use_figures(
        first=data["date_from"],
        last=data["date_to"],
        center_ids=[data["center"].pk],
        department_id=data.get("department") or None,
    )
    return form, {"center": data["center"], "filters": data, "figures": figures}


@login_required
def license_stats(request):
    form, report = _report(request)
    context = {"form": form, "report": report, "errors": form_error_texts(form) if report is None else []}
    if report:
        data = report["filters"]
        context["query"] = urlencode(
            {"center": report["center"].pk, "date_from": data["date_from"], "date_to": data["date_to"]}
        )
    return render(request, "dashboards/license_stats.html", context)


def _export(request, kind: str) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return HttpResponse("\n".join(form_error_texts(form)), status=400, content_type="text/plain; charset=utf-8")
    figures, data = report["figures"], report["filters"]
    uses = _("Uses")
    sections = [
        (_("Total"), [uses, pgettext("licence use", "Refused")], [[figures.total, figures.refused]]),
        (_("Per day"), [_("Day"), uses], [[f"{day:%Y-%m-%d}", n] for day, n in figures.by_day]),
        (_("Licence type"), [_("Licence type"), uses], [list(row) for row in figures.by_type]),
        (_("Department"), [_("Department"), uses], [list(row) for row in figures.by_department]),
    ]
    name = f"licence-uses-{report['center'].code}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
    return export_response(sections, kind=kind, name=name, title=[_("Use of e-licences"), report["center"].name])


@login_required
def license_stats_csv(request):
    return _export(request, "csv")


@login_required
def license_stats_xlsx(request):
    return _export(request, "xlsx")
