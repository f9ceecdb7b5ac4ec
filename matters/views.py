"""Pages of matters: the public guide (办事指南) on the portal and the kiosk, the citizen's own cases, and the staff's
case desk. Thin: the reads come from selectors, every change from a service."""

import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import center_access, citizen_profile
from accounts.views import citizen_required
from centers.models import Center, Department
from centers.workdays import work_calendar
from hall.actions import act
from hall.errors import DomainError
from hall.parsing import id_or_none
from matters import selectors, services
from matters.links import matter_links
from matters.models import Bundle, Case, CaseExtension, Material, OnlineDepth, Theme

KIOSK = "kiosk"


def _layout(request) -> str:
    """The guide on the kiosk is the same page, laid out for touch ("?on=kiosk")."""
    return KIOSK if request.GET.get("on") == KIOSK else "portal"


def _kiosk_context(request) -> dict:
    """The layout, the kiosk's way back, and the query that keeps both on every link of the guide."""
    layout, back = _layout(request), _back(request)
    query = urlencode({"on": KIOSK, **({"back": back} if back else {})}) if layout == KIOSK else ""
    return {
        "layout": layout,
        "back": back,
        "kiosk_q": f"?{query}" if query else "",
        "kiosk_amp": f"&{query}" if query else "",
    }


def _back(request) -> str | None:
    """Where the kiosk's "back" button leads: the page that opened the guide, if it is a path of this hall."""
    back = request.GET.get("back", "")
    allowed = url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back.startswith("/")
    return back if allowed and len(back) <= 200 else None


def guide(request):
    """Browse by department, theme and life event, or search by name, code or pinyin."""
    department_id = id_or_none(request.GET.get("department"))
    theme_id = id_or_none(request.GET.get("theme"))
    query = request.GET.get("q", "")
    matters = selectors.matter_search(query, department_id=department_id, theme_id=theme_id)
    themes = list(Theme.objects.all())
    return render(
        request,
        "matters/guide.html",
        {
            **_kiosk_context(request),
            "query": query[: selectors.MAX_QUERY_LENGTH],
            "matters": matters[:300],
            "department": Department.objects.filter(pk=department_id).first() if department_id else None,
            "theme": next((t for t in themes if t.pk == theme_id), None),
            "departments": Department.objects.filter(matters__is_active=True).distinct().order_by("code"),
            "topics": [t for t in themes if t.kind == Theme.Kind.TOPIC],
            "life_events": [t for t in themes if t.kind == Theme.Kind.LIFE_EVENT],
            "bundles": Bundle.objects.filter(is_active=True),
            "filtered": bool(query or department_id or theme_id),
        },
    )


def guide_matter(request, matter_id: int):
    matter = get_object_or_404(
        selectors.active_matters().prefetch_related("materials__license_type", "fees", "themes"), pk=matter_id
    )
    return render(
        request,
        "matters/guide_matter.html",
        {
            **_kiosk_context(request),
            "matter": matter,
            "links": matter_links(matter),
            "bundles": matter.bundles.all(),
        },
    )


def guide_bundle(request, bundle_id: int):
    bundle = get_object_or_404(Bundle.objects.filter(is_active=True), pk=bundle_id)
    return render(
        request,
        "matters/guide_bundle.html",
        {
            **_kiosk_context(request),
            "bundle": bundle,
            "matters": bundle.matters.filter(is_active=True).order_by("bundle_items__sort_order"),
            "materials": selectors.bundle_materials(bundle),
        },
    )


def material_file(request, material_id: int, kind: str):
    """A material's blank form or filled-in sample, served by the hall itself (halls run on an intranet)."""
    material = get_object_or_404(Material.objects.filter(matter__is_active=True), pk=material_id)
    file = {"form": material.blank_form, "sample": material.sample}.get(kind)
    if not file:
        raise Http404
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=file.name.rsplit("/", 1)[-1], content_type=content_type
    )


# --- the citizen's own cases ----------------------------------------------------------------------------------------


@citizen_required
def apply_online(request, matter_id: int):
    """网上申请: a citizen applies for a matter that can be applied for online; a clerk of the chosen centre then
    accepts it (or not) against its checklist. The applicant is the signed-in citizen, as their real-name profile
    says."""
    matter = get_object_or_404(selectors.active_matters().filter(online_depth__gte=OnlineDepth.III), pk=matter_id)
    profile = citizen_profile(user=request.user)
    centers = Center.objects.exclude(level=Center.Level.COMMUNITY).order_by("level", "code")
    if request.method == "POST" and profile is not None:
        center = centers.filter(pk=id_or_none(request.POST.get("center"))).first()
        case = act(
            request,
            lambda: (
                services.case_submit(
                    matter=matter,
                    center=center,
                    citizen=request.user,
                    applicant_name=profile.real_name,
                    id_number=profile.id_number,
                    mobile=request.user.mobile,
                )
                if center is not None
                else _refuse(_("Choose the centre that handles your application."))
            ),
        )
        if case:
            messages.success(
                request,
                _("Application %(number)s submitted; you are told when it is accepted.") % {"number": case.number},
            )
            return redirect("matters:my_case", case_id=case.pk)
    return render(request, "matters/apply.html", {"matter": matter, "profile": profile, "centers": centers})


def _refuse(message):
    raise DomainError(message)


def _with_time_left(cases) -> list[tuple]:
    calendar, today = work_calendar(), timezone.localdate()
    return [(case, selectors.case_time_left(case, calendar, today=today)) for case in cases]


@citizen_required
def my_cases(request):
    return render(request, "matters/my_cases.html", {"rows": _with_time_left(selectors.cases_of_citizen(request.user))})


@citizen_required
def my_case(request, case_id: int):
    case = get_object_or_404(selectors.cases_of_citizen(request.user), pk=case_id)
    (row,) = _with_time_left([case])
    correction = case.corrections.filter(resubmitted_on__isnull=True).first()
    return render(
        request,
        "matters/my_case.html",
        {"case": case, "time_left": row[1], "events": case.events.all(), "correction": correction},
    )


# --- the staff's case desk ------------------------------------------------------------------------------------------


def _staff(request):
    if not request.user.is_authenticated:
        return None
    access = center_access(request.user)
    if not (access.everywhere or access.roles):
        raise PermissionDenied
    return access


@login_required
def case_desk(request):
    """My open cases (a clerk), my departments' open cases (a department head), and online applications waiting
    for acceptance."""
    _staff(request)
    seen = selectors.cases_seen_by(request.user)
    return render(
        request,
        "matters/case_desk.html",
        {
            "mine": _with_time_left(selectors.open_cases_of_clerk(request.user)),
            "departments": _with_time_left(selectors.open_cases_of_departments(request.user)),
            "submitted": seen.filter(status=Case.Status.SUBMITTED).order_by("submitted_at")[:100],
        },
    )


@login_required
def case_page(request, case_id: int):
    _staff(request)
    case = get_object_or_404(selectors.cases_seen_by(request.user), pk=case_id)
    (row,) = _with_time_left([case])
    return render(
        request,
        "matters/case_page.html",
        {
            "case": case,
            "time_left": row[1],
            "materials": selectors.case_materials_with_licences(case),
            "events": case.events.all(),
            "pending_extension": case.extensions.filter(status=CaseExtension.Status.PENDING).first(),
            "outcomes": Case.Outcome.choices,
        },
    )


def _post(request, name: str) -> str:
    return request.POST.get(name, "")


CASE_ACTIONS = {
    "correction": lambda request, case: services.case_request_correction(
        case=case, clerk=request.user, items=_post(request, "items")
    ),
    "resubmit": lambda request, case: services.case_resubmit(case=case, actor=request.user, at_window=True),
    "extension": lambda request, case: services.case_extension_request(
        case=case, clerk=request.user, days=id_or_none(_post(request, "days")) or 0, reason=_post(request, "reason")
    ),
    "conclude": lambda request, case: services.case_conclude(
        case=case, clerk=request.user, outcome=_post(request, "outcome"), reason=_post(request, "reason")
    ),
    "deliver": lambda request, case: services.case_deliver(
        case=case, clerk=request.user, tracking_number=_post(request, "tracking_number")
    ),
    "decline": lambda request, case: services.case_decline(
        case=case, clerk=request.user, reason=_post(request, "reason")
    ),
}
DONE = {
    "correction": _("Corrections requested: the clock stands still until they are handed in."),
    "resubmit": _("Corrections received: the clock runs again."),
    "extension": _("Extension requested: it counts once approved."),
    "conclude": _("Case concluded."),
    "deliver": _("Case delivered."),
    "decline": _("The application is not accepted; the applicant is told why."),
}


@login_required
@require_POST
def case_action(request, case_id: int, action: str):
    _staff(request)
    case = get_object_or_404(selectors.cases_seen_by(request.user), pk=case_id)
    if action not in CASE_ACTIONS:
        raise Http404
    act(request, lambda: CASE_ACTIONS[action](request, case), DONE[action])
    return redirect("matters:case", case_id=case.pk)


@login_required
@require_POST
def extension_decide(request, extension_id: int):
    _staff(request)
    extension = get_object_or_404(
        CaseExtension.objects.filter(case__in=selectors.cases_seen_by(request.user)), pk=extension_id
    )
    approve = request.POST.get("approve") == "1"
    act(
        request,
        lambda: services.case_extension_decide(
            extension=extension,
            approver=request.user,
            approve=approve,
            note=request.POST.get("note", ""),
            request=request,
        ),
        _("Extension approved.") if approve else _("Extension refused."),
    )
    return redirect("matters:case", case_id=extension.case_id)
