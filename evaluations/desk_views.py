"""The staff's pages for following reviews up: the desk (open rectifications, appeals to decide, suspicious reviews),
one review with its rectification and appeal, and the forms of their steps. Thin: who may do what is decided in
evaluations.services, what is listed in evaluations.desk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations.desk import (
    SUSPICIOUS_LISTED_DAYS,
    appeals_waiting,
    rectifications_in_view,
    reviews_seen_by,
    suspicious_reviews,
)
from evaluations.dimensions import BAD_TAGS, GOOD_TAGS, ON_SITE, ONLINE
from evaluations.models import Rectification, Suspicion
from evaluations.selectors import STEP_LABELS, next_step
from evaluations.services.appeals import appeal_decide, appeal_file
from evaluations.services.rectifications import rectification_call_back, rectification_rectify, rectification_verify
from hall.errors import DomainError


@login_required
def rectifications(request):
    """The follow-up desk: open rectifications (heads, supervisors), appeals to decide and suspicious reviews
    (supervisors)."""
    today = timezone.localdate()
    items = rectifications_in_view(user=request.user, today=today)
    if items is None:
        raise PermissionDenied
    context = {
        "items": items,
        "step_labels": STEP_LABELS,
        "appeals": appeals_waiting(request.user),
        "suspicious": suspicious_reviews(request.user, today=today),
        "suspicious_days": SUSPICIOUS_LISTED_DAYS,
        "suspicions": dict(Suspicion.choices),
    }
    return render(request, "evaluations/rectifications.html", context)


@login_required
def review_detail(request, review_id: int):
    review = get_object_or_404(reviews_seen_by(request.user), pk=review_id)
    rectification = getattr(review, "rectification", None)
    context = {
        "review": review,
        "rectification": rectification,
        "appeal": getattr(review, "appeal", None),
        "dimensions": {**ON_SITE, **ONLINE},
        "tags": {**GOOD_TAGS, **BAD_TAGS},
        "suspicions": dict(Suspicion.choices),
        "callback_results": Rectification.CallbackResult.choices,
        "next_step": next_step(rectification)[0]
        if rectification is not None and rectification.status in Rectification.OPEN_STATUSES
        else None,
        "step_labels": STEP_LABELS,
    }
    return render(request, "evaluations/review_detail.html", context)


def _act(request, review_id: int, action) -> HttpResponse:
    """Run `action(review)` for a review the user may open; its refusal is flashed, never a 500."""
    review = get_object_or_404(reviews_seen_by(request.user), pk=review_id)
    try:
        action(review)
    except DomainError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("evaluations:review_detail", kwargs={"review_id": review.pk}))


def _rectification_of(review):
    rectification = getattr(review, "rectification", None)
    if rectification is None:
        raise DomainError(_("This review has no rectification."), code="no_rectification")
    return rectification


@require_POST
@login_required
def rectification_step(request, review_id: int):
    post = request.POST
    steps = {
        "verify": lambda r: rectification_verify(
            rectification=_rectification_of(r), user=request.user, finding=post.get("text", "")
        ),
        "rectify": lambda r: rectification_rectify(
            rectification=_rectification_of(r), user=request.user, measures=post.get("text", "")
        ),
        "call_back": lambda r: rectification_call_back(
            rectification=_rectification_of(r),
            user=request.user,
            result=post.get("result", ""),
            note=post.get("text", ""),
        ),
    }
    step = steps.get(post.get("step", ""))
    if step is None:
        return _act(request, review_id, _unknown_step)
    return _act(request, review_id, step)


def _unknown_step(review):
    raise DomainError(_("Choose the step to record."), code="unknown_step")


@require_POST
@login_required
def appeal_file_view(request, review_id: int):
    return _act(
        request, review_id, lambda r: appeal_file(review=r, user=request.user, reason=request.POST.get("reason", ""))
    )


@require_POST
@login_required
def appeal_decide_view(request, review_id: int):
    decision = request.POST.get("decision", "")

    def decide(review):
        appeal = getattr(review, "appeal", None)
        if appeal is None or decision not in ("uphold", "reject"):
            raise DomainError(_("Choose whether the appeal is upheld or rejected."), code="appeal_decision")
        appeal_decide(appeal=appeal, user=request.user, upheld=decision == "uphold", note=request.POST.get("note", ""))

    return _act(request, review_id, decide)
