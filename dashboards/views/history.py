"""History statistics pages of the hall: the page with its charts and tables, and its CSV and XLSX exports."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import center_access
from centers.models import Center, Department, Zone
from dashboards.selectors.history import (
    DAY,
    MAX_RANGE_DAYS,
    MONTH,
    HistoryFilters,
    HistoryReport,
    center_departments,
    center_zones,
    history_report,
    watchable_centers,
)
from dashboards.views.exports import export_response
from hall.fields import DateField, IdField

# What the statistics of cases and of reviews break their figures down by.
BREAKDOWNS = {
    "department": gettext_lazy("Department"),
    "matter": gettext_lazy("Matter"),
    "window": gettext_lazy("Window"),
    "clerk": gettext_lazy("Clerk"),
}


class HistoryFilterForm(forms.Form):
    """The filters of the history page; every field is optional and has a default."""

    center = IdField(label=gettext_lazy("Centre"), required=False)
    zone = IdField(label=gettext_lazy("Zone"), required=False)
    department = IdField(label=gettext_lazy("Department"), required=False)
    date_from = DateField(label=gettext_lazy("From"), required=False)
    date_to = DateField(label=gettext_lazy("To"), required=False)
    granularity = forms.ChoiceField(
        label=gettext_lazy("Rows"),
        required=False,
        choices=[(DAY, gettext_lazy("Per day")), (MONTH, gettext_lazy("Per month"))],
    )

    def __init__(self, data, *, default_center: Center, today: datetime.date):
        super().__init__(data)
        self.default_center, self.today = default_center, today

    def clean_center(self) -> Center:
        center_id = self.cleaned_data.get("center")
        if center_id is None:
            return self.default_center
        center = Center.objects.filter(pk=center_id).first()
        if center is None:
            raise forms.ValidationError(_("Unknown centre."))
        return center

    def clean(self):
        data = super().clean()
        data["date_from"] = data.get("date_from") or self.today.replace(day=1)
        data["date_to"] = data.get("date_to") or self.today
        data["granularity"] = data.get("granularity") or DAY
        if "date_from" not in self.errors and "date_to" not in self.errors:
            if data["date_to"] < data["date_from"]:
                self.add_error("date_to", _("The end date is before the start date."))
            elif (data["date_to"] - data["date_from"]).days + 1 > MAX_RANGE_DAYS:
                self.add_error("date_to", _("Choose a range of at most %(days)d days.") % {"days": MAX_RANGE_DAYS})
        center = data.get("center")
        if center and data.get("zone") and not Zone.objects.filter(pk=data["zone"], center=center).exists():
            self.add_error("zone", _("This zone is not in the chosen centre."))
        if data.get("department") and not Department.objects.filter(pk=data["department"]).exists():
            self.add_error("department", _("Unknown department."))
        return data

    def filters(self) -> HistoryFilters:
        data = self.cleaned_data
        return HistoryFilters(
            center_id=data["center"].pk,
            date_from=data["date_from"],
            date_to=data["date_to"],
            zone_id=data.get("zone"),
            department_id=data.get("department"),
            granularity=data["granularity"],
        )


def stats_filter_form(request) -> HistoryFilterForm:
    """The bound form; refuses those who may not read the statistics of any centre (or of the chosen one)."""
    centers = watchable_centers(request.user)
    default_center = centers.first()
    if default_center is None:
        raise PermissionDenied
    form = HistoryFilterForm(request.GET, default_center=default_center, today=timezone.localdate())
    if form.is_valid() and not center_access(request.user).sees(form.cleaned_data["center"].pk):
        raise PermissionDenied
    return form


def form_error_texts(form: HistoryFilterForm) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]


# ---- The page -----------------------------------------------------------------------------------------------------


def _quick_ranges(filters: HistoryFilters, today: datetime.date) -> list[dict]:
    keep = {"center": filters.center_id}
    if filters.zone_id:
        keep["zone"] = filters.zone_id
    if filters.department_id:
        keep["department"] = filters.department_id
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - datetime.timedelta(days=1)
    year, month = divmod(today.year * 12 + today.month - 1 - 11, 12)
    twelve_months = datetime.date(year, month + 1, 1)  # this month and the 11 before: never over 366 days
    ranges = [
        (_("Today"), today, today, DAY),
        (_("This month"), first_of_month, today, DAY),
        (_("Last month"), last_month_end.replace(day=1), last_month_end, DAY),
        (_("Last 30 days"), today - datetime.timedelta(days=29), today, DAY),
        (_("Last 12 months"), twelve_months, today, MONTH),
    ]
    return [
        {
            "label": label,
            "query": urlencode({**keep, "date_from": start, "date_to": end, "granularity": granularity}),
            "current": (start, end, granularity) == (filters.date_from, filters.date_to, filters.granularity),
        }
        for label, start, end, granularity in ranges
    ]


def _chart_data(report: HistoryReport) -> dict:
    return {
        "hours": [f"{hour:02d}" for hour in range(24)],
        "hourlyIntake": report.hourly_intake,
        "hourlyServed": report.hourly_served,
        "waitLabels": [label for label, _count in report.wait_buckets],
        "waitCounts": [count for _label, count in report.wait_buckets],
        "windowLabels": [row.label for row in report.windows],
        "windowNumbers": [str(row.order) for row in report.windows],
        "windowServed": [row.served for row in report.windows],
        "windowMeanService": [row.mean_service_minutes for row in report.windows],
        "periodLabels": [row.label for row in report.periods],
        "periodIssued": [row.figures.issued for row in report.periods],
        "periodServed": [row.figures.served for row in report.periods],
        "text": {
            "issued": _("Issued"),
            "served": _("Served"),
            "tickets": _("Tickets"),
            "meanService": _("Mean service (min)"),
            "window": _("Window"),
            "minutes": _("min"),
        },
    }


@login_required
def history(request):
    form = stats_filter_form(request)
    today = timezone.localdate()
    center = form.cleaned_data["center"] if form.is_valid() else form.default_center
    context = {
        "form": form,
        "errors": form_error_texts(form),
        "centers": watchable_centers(request.user),
        "center": center,
        "zones": center_zones(center.pk),
        "departments": center_departments(center.pk),
        "max_range_days": MAX_RANGE_DAYS,
        "report": None,
        # What the form shows: the submitted text when it is wrong, so it can be corrected.
        "values": {name: request.GET.get(name, "") for name in form.fields},
    }
    if form.is_valid():
        filters = form.filters()
        report = history_report(filters)
        context.update(
            report=report,
            filters=filters,
            query=urlencode(
                {
                    key: value
                    for key, value in {
                        "center": filters.center_id,
                        "zone": filters.zone_id or "",
                        "department": filters.department_id or "",
                        "date_from": filters.date_from,
                        "date_to": filters.date_to,
                        "granularity": filters.granularity,
                    }.items()
                    if value != ""
                }
            ),
            values={
                "center": filters.center_id,
                "zone": filters.zone_id,
                "department": filters.department_id,
                "date_from": filters.date_from.isoformat(),
                "date_to": filters.date_to.isoformat(),
                "granularity": filters.granularity,
            },
            quick_ranges=_quick_ranges(filters, today),
            chart_data=_chart_data(report),
            zone_name=_chosen_name(context["zones"], filters.zone_id),
            department_name=_chosen_name(context["departments"], filters.department_id),
        )
    return render(request, "dashboards/history.html", context)


def _chosen_name(choices, pk) -> str:
    if not pk:
        return _("All")
    chosen = choices.filter(pk=pk).first()
    return str(chosen) if chosen else ""


# ---- Exports ------------------------------------------------------------------------------------------------------


def _service_level_cells(level) -> list:
    return [
        f"{level.prefix} {level.name}",
        level.target_percent,
        level.target_minutes,
        level.called,
        level.within,
        level.uncalled_late,
        level.percent,
    ]


def _sections(report: HistoryReport, *, center: Center) -> list[tuple[str, list[str], list[list]]]:
    """The tables of an export: (title, header, rows); one sheet each in XLSX, one block each in CSV."""
    filters, totals = report.filters, report.totals
    zones, departments = center_zones(center.pk), Department.objects.all()
    summary = [
        [_("Centre"), center.name],
        [_("Zone"), _chosen_name(zones, filters.zone_id)],
        [_("Department"), _chosen_name(departments, filters.department_id)],
        [_("From"), filters.date_from.isoformat()],
        [_("To"), filters.date_to.isoformat()],
        [_("Issued"), totals.issued],
        [_("Served"), totals.served],
        [_("No-shows"), totals.no_show],
        [_("Mean wait (min)"), totals.mean_wait_minutes],
        [_("Longest wait (min)"), totals.longest_wait_minutes],
        [_("Mean service (min)"), totals.mean_service_minutes],
    ]
    period_title = _("Per month") if filters.granularity == MONTH else _("Per day")
    return [
        (_("Summary"), [_("Figure"), _("Value")], summary),
        (
            period_title,
            [
                _("Period"),
                _("Issued"),
                _("Served"),
                _("No-shows"),
                _("Mean wait (min)"),
                _("Longest wait (min)"),
                _("Mean service (min)"),
            ],
            [
                [
                    row.label,
                    row.figures.issued,
                    row.figures.served,
                    row.figures.no_show,
                    row.figures.mean_wait_minutes,
                    row.figures.longest_wait_minutes,
                    row.figures.mean_service_minutes,
                ]
                for row in report.periods
            ],
        ),
        (
            _("Per hour"),
            [_("Hour"), _("Issued"), _("Served")],
            [
                [f"{hour:02d}:00–{hour + 1:02d}:00", report.hourly_intake[hour], report.hourly_served[hour]]
                for hour in range(24)
            ],
        ),
        (_("Wait distribution"), [_("Wait"), _("Tickets")], [list(item) for item in report.wait_buckets]),
        (
            _("Per window"),
            [_("Window"), _("Zone"), _("Served"), _("Mean service (min)")],
            [[row.label, row.detail, row.served, row.mean_service_minutes] for row in report.windows],
        ),
        (
            _("Per clerk"),
            [_("Clerk"), _("Served"), _("Mean service (min)")],
            [[row.label, row.served, row.mean_service_minutes] for row in report.clerks],
        ),
        (
            _("Service level per queue"),
            [
                _("Queue"),
                _("Target (%)"),
                _("Within (min)"),
                _("Called"),
                _("Called in time"),
                _("Never called past the limit"),
                _("In time (%)"),
            ],
            [_service_level_cells(level) for level in report.service_levels],
        ),
        (
            _("Time at the windows per clerk"),
            [
                _("Clerk"),
                _("Signed in (min)"),
                _("Serving (min)"),
                _("Paused (min)"),
                _("Idle (min)"),
                _("Pauses by reason (min)"),
            ],
            [
                [name, *time.in_minutes().values(), " · ".join(f"{r} {m}" for r, m in time.pauses_by_reason())]
                for name, time in report.clerk_times
            ],
        ),
    ]


def _export(request, kind: str) -> HttpResponse:
    form = stats_filter_form(request)
    if not form.is_valid():
        return HttpResponse("\n".join(form_error_texts(form)), status=400, content_type="text/plain; charset=utf-8")
    filters = form.filters()
    center = form.cleaned_data["center"]
    sections = _sections(history_report(filters), center=center)
    name = f"hall-stats-{center.code}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}"
    return export_response(sections, kind=kind, name=name, title=[_("Service hall statistics"), center.name])


@login_required
def history_export_csv(request):
    return _export(request, "csv")


@login_required
def history_export_xlsx(request):
    return _export(request, "xlsx")
