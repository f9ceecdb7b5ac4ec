"""The evaluator's pages (pairing a tablet with its device token, the full-screen evaluator, the clerk's photo) and
the citizen's review page behind a signed link.
Thin: the rules are in evaluations.evaluator and evaluations.services.evaluator."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.selectors import with_sites_below
from accounts.views import citizen_required
from centers.models import Center
from evaluations.dimensions import BAD_TAGS, GOOD_TAGS, ON_SITE
from evaluations.evaluator import COOKIE_NAME, evaluator_device
from evaluations.links import LinkExpired, review_link_target
from evaluations.mine import reviews_given_by, services_to_rate
from evaluations.models import Level
from evaluations.reports import bad_reviews_with_status, rows_by_group, total
from evaluations.selectors import reviews_between
from evaluations.services.evaluator import evaluator_pair
from evaluations.services.reviews import rated_case, rated_ticket, review_of, review_submit
from hall.errors import DomainError
from hall.parsing import ascii_form, id_or_none, month_end, month_start
from matters.models import Case
from queueing.models import Ticket
from queueing.selectors import window_clerk

# A tablet stays paired for a year or until its token is revoked; the token never leaves the cookie for a script.
COOKIE_MAX_AGE = 365 * 24 * 3600


def _paired_device(request):
    return evaluator_device(request.COOKIES.get(COOKIE_NAME))


def evaluator(request):
    device = _paired_device(request)
    if device is None:
        return render(request, "evaluations/evaluator_pair.html", {"unpaired": COOKIE_NAME in request.COOKIES})
    return render(
        request,
        "evaluations/evaluator.html",
        {
            "device": device,
            "socket_path": "/ws/evaluator/",
            "levels": Level.choices,
            "dimensions": ON_SITE,
            "good_tags": GOOD_TAGS,
            "bad_tags": BAD_TAGS,
        },
    )


@require_POST
def evaluator_pair_view(request):
    token = ascii_form(request.POST.get("token", "")).strip()
    try:
        evaluator_pair(token)
    except DomainError as error:
        return render(request, "evaluations/evaluator_pair.html", {"error": error.message}, status=400)
    response = redirect(reverse("evaluations:evaluator"))
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure(),
    )
    return response


@require_POST
def evaluator_unpair(request):
    response = redirect(reverse("evaluations:evaluator"))
    response.delete_cookie(COOKIE_NAME, samesite="Strict")
    return response


def evaluator_photo(request):
    """The photo of the clerk serving at the paired evaluator's window now (nobody else's, to nobody else)."""
    device = _paired_device(request)
    clerk = window_clerk(window_id=device.window_id) if device is not None else None
    if clerk is None or not clerk.photo_type:
        raise Http404
    response = HttpResponse(bytes(clerk.photo), content_type=clerk.photo_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


# ---- The phone page behind a review link (slip QR code through the live ticket page, SMS) ------------------------


def review(request, token: str):
    try:
        target = review_link_target(token)
    except LinkExpired:
        return render(request, "evaluations/review_link.html", {"gone": True}, status=410)
    subject = _subject(target) if target is not None else None
    if subject is None:
        return render(request, "evaluations/review_link.html", {"invalid": True}, status=404)
    context = {"levels": Level.choices, "good_tags": GOOD_TAGS, "bad_tags": BAD_TAGS, **subject}
    try:
        rated = rated_case(subject["case"], stage=target.stage) if target.case_id else rated_ticket(subject["ticket"])
    except DomainError as error:
        return render(request, "evaluations/review_link.html", context | {"refusal": error.message})
    context["dimensions"] = rated.dimensions
    given = review_of(rated)
    if given is not None:
        return render(request, "evaluations/review_link.html", context | {"given": given})
    if request.method != "POST":
        return render(request, "evaluations/review.html", context | {"values": {}})
    values = {
        "level": request.POST.get("level", ""),
        "scores": {key: request.POST[f"score_{key}"] for key in rated.dimensions if request.POST.get(f"score_{key}")},
        "tags": request.POST.getlist("tags"),
        "comment": request.POST.get("comment", ""),
    }
    try:
        review_submit(rated=rated, channel=target.channel, source=f"link:{target.channel}", **values)
    except DomainError as error:
        return render(request, "evaluations/review.html", context | {"error": error.message, "values": values}, 400)
    except ValidationError as error:
        context |= {"error": error.messages[0], "values": values}
        return render(request, "evaluations/review.html", context, status=400)
    return redirect(reverse("evaluations:review", kwargs={"token": token}))


def _subject(target) -> dict | None:
    """The ticket or case a link names, with what the page shows of it; None when it is gone."""
    if target.ticket_id is not None:
        ticket = (
            Ticket.objects.select_related("center", "queue", "window", "matter", "clerk")
            .filter(pk=target.ticket_id)
            .first()
        )
        return {"ticket": ticket} if ticket is not None else None
    case = Case.objects.select_related("center", "matter", "department").filter(pk=target.case_id).first()
    return {"case": case, "stage": target.stage} if case is not None else None


# ---- My reviews (the portal): what the citizen may still rate, and what they rated ---------------------------------


@citizen_required
def my_reviews(request):
    return render(
        request,
        "evaluations/my_reviews.html",
        {"open": services_to_rate(request.user), "given": reviews_given_by(request.user)},
    )


# ---- Public results: how each department and matter is rated, and where each bad review's rectification stands ---


def results(request):
    center_id = id_or_none(request.GET.get("center"))
    centers = Center.objects.order_by("level", "code")
    center = centers.filter(pk=center_id).first() if center_id else centers.first()
    if center is None:
        raise Http404
    try:
        first = month_start(request.GET.get("month"), today=timezone.localdate())
    except ValidationError as error:
        return render(request, "evaluations/results.html", {"error": error.messages[0], "centers": centers}, status=400)
    last = month_end(first)
    # A centre's results take in the sites below it (a district's, its streets' and stations').
    reviews = reviews_between(first=first, last=last, center_ids=with_sites_below({center.pk}))
    context = {
        "center": center,
        "centers": centers,
        "month": first,
        "total": total(reviews),
        "departments": rows_by_group(reviews, group="department"),
        "matters": rows_by_group(reviews, group="matter")[:50],
        "bad_reviews": bad_reviews_with_status(reviews, limit=200),
    }
    response = render(request, "evaluations/results.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response
