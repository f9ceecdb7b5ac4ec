"""Giving a review: what is rated (a served ticket, a case at acceptance or conclusion), the checks every channel
shares (the rating period, once per service and stage, the level, scores, tags and comment), and the rectification a
bad review opens at once."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.dimensions import BAD_TAGS, GOOD_TAGS, ON_SITE, ONLINE
from evaluations.events import review_given
from evaluations.models import BAD_LEVELS, Review, Suspicion
from evaluations.services.push import push_enqueue
from evaluations.services.rectifications import rectification_open
from hall.errors import DomainError
from hall.events import announce
from hall.parsing import ParseError, clean_text, parse_count
from matters.models import Case, CaseType
from queueing.models import Ticket

COMMENT_MAX_LENGTH = 500
MAX_TAGS = 10
SOURCE_MAX_LENGTH = 80
CLOCK_SKEW = datetime.timedelta(minutes=2)
CITIZEN_CHANNELS = frozenset(Review.Channel.values) - {Review.Channel.DEFAULT}


@dataclass(frozen=True)
class Rated:
    """A service as a review rates it: which ticket or case, at which stage, and who and what served the citizen."""

    ticket: Ticket | None
    case: Case | None
    stage: str
    center_id: int
    department_id: int | None
    matter_id: int | None
    window_id: int | None
    clerk_id: int | None
    served_at: datetime.datetime
    online: bool = False

    @property
    def dimensions(self) -> dict:
        return ONLINE if self.online else ON_SITE

    def review(self, *, rated_at: datetime.datetime, **fields) -> Review:
        """An unsaved review of this service, what it rates copied onto it, given at `rated_at`."""
        return Review(
            ticket=self.ticket,
            case=self.case,
            stage=self.stage,
            center_id=self.center_id,
            department_id=self.department_id,
            matter_id=self.matter_id,
            window_id=self.window_id,
            clerk_id=self.clerk_id,
            served_at=self.served_at,
            rated_at=rated_at,
            rated_on=timezone.localdate(rated_at),
            **fields,
        )


def rated_ticket(ticket: Ticket) -> Rated:
    """A ticket served at a window; one that was not served (waiting, a no-show, transferred on) has nothing to rate."""
    if ticket.status != Ticket.Status.FINISHED or ticket.finished_at is None:
        raise DomainError(_("This number has not been served yet: there is nothing to rate."), code="not_served")
    window = ticket.window
    department_id = getattr(window, "department_id", None) or getattr(ticket.matter, "department_id", None)
    return Rated(
        ticket=ticket,
        case=None,
        stage=Review.Stage.SERVICE,
        center_id=ticket.center_id,
        department_id=department_id,
        matter_id=ticket.matter_id,
        window_id=ticket.window_id,
        clerk_id=ticket.clerk_id,
        served_at=ticket.finished_at,
    )


def rated_case(case: Case, *, stage: str) -> Rated:
    """A case at acceptance or conclusion. An instant case (即办件) is rated once, at conclusion."""
    instant = case.matter.case_type == CaseType.INSTANT
    if stage == Review.Stage.ACCEPTANCE and not instant and case.accepted_at is not None:
        served_at, clerk_id = case.accepted_at, case.accepted_by_id
    elif stage == Review.Stage.CONCLUSION and case.concluded_at is not None:
        served_at, clerk_id = case.concluded_at, case.concluded_by_id
    elif stage == Review.Stage.ACCEPTANCE and instant:
        raise DomainError(_("An instant case is rated once, when it is concluded."), code="not_served")
    else:
        raise DomainError(_("This case has not reached that stage: there is nothing to rate yet."), code="not_served")
    return Rated(
        ticket=None,
        case=case,
        stage=stage,
        center_id=case.center_id,
        department_id=case.department_id,
        matter_id=case.matter_id,
        window_id=None,
        clerk_id=clerk_id,
        served_at=served_at,
        online=case.channel == Case.Channel.PORTAL,
    )


def review_period_ends(served_at: datetime.datetime) -> datetime.datetime:
    return served_at + datetime.timedelta(days=settings.HALL_REVIEW_PERIOD_DAYS)


def _reviews_of(rated: Rated):
    subject = {"ticket": rated.ticket} if rated.ticket is not None else {"case": rated.case}
    return Review.objects.filter(**subject, stage=rated.stage)


def already_rated(rated: Rated) -> bool:
    return _reviews_of(rated).exists()


def review_of(rated: Rated) -> Review | None:
    """The review given of `rated`, if any (a default one included)."""
    return _reviews_of(rated).first()


@transaction.atomic
def review_submit(
    *,
    rated: Rated,
    channel: str,
    level,
    scores=None,
    tags=None,
    comment="",
    source: str = "",
    at: datetime.datetime | None = None,
) -> Review:
    """Store the citizen's review of `rated`, or raise a DomainError saying why not (nothing is written then). A bad
    review opens its rectification in the same transaction. `source` names the device or client it came from; `at`
    is when it was given (a device that was offline sends it; by default now)."""
    level = parse_count(level, low=1, high=5, message=_("Choose a rating of 1 to 5 stars."))
    scores = _clean_scores(scores, rated.dimensions)
    tags = _clean_tags(tags, bad=level in BAD_LEVELS)
    comment = clean_text(comment, max_length=COMMENT_MAX_LENGTH, multiline=True, label=_("Comment"))
    if channel not in CITIZEN_CHANNELS:
        raise DomainError(_("Reviews come from the evaluator, a QR code, an SMS link or the portal."), code="channel")
    source = str(source or "")[:SOURCE_MAX_LENGTH]
    now = _given_at(at)
    if now > review_period_ends(rated.served_at):
        raise DomainError(
            _("The time to rate this service has passed (%(days)d days after it).")
            % {"days": settings.HALL_REVIEW_PERIOD_DAYS},
            code="review_period_over",
        )
    if already_rated(rated):
        raise _already_rated()
    suspicious = suspicious_because(rated, at=now, source=source)
    review = rated.review(
        rated_at=now,
        channel=channel,
        level=level,
        scores=scores,
        tags=tags,
        comment=comment,
        source=source,
        suspicious=suspicious,
        is_suspicious=bool(suspicious),
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        if not already_rated(rated):
            raise
        # Two channels at once (the evaluator and the QR code): the unique constraint keeps the first.
        raise _already_rated() from None
    if Suspicion.BURST in review.suspicious:
        _mark_burst(review)
    if review.is_bad:
        rectification_open(review=review)
    # In the review's own transaction (an outbox): never a review the province misses, never one sent twice.
    push_enqueue(review_ids=[review.pk])
    announce(review_given, review_id=review.pk, center_id=review.center_id, bad=review.is_bad)
    return review


def _already_rated() -> DomainError:
    return DomainError(_("This service has already been rated. Thank you."), code="already_rated")


def _given_at(at) -> datetime.datetime:
    """When the review was given: now, or the time a device that was offline sends (aware, and not ahead of the
    hall's clock by more than a device's clock drifts)."""
    now = timezone.now()
    if at is None:
        return now
    if not isinstance(at, datetime.datetime) or timezone.is_naive(at):
        raise DomainError(_("The time of the review is not a time with its zone."), code="review_time")
    if at > now + CLOCK_SKEW:
        raise DomainError(_("The time of the review lies in the future."), code="review_time")
    return at


def suspicious_because(rated: Rated, *, at: datetime.datetime, source: str) -> list[str]:
    """The rules a new review breaks: given seconds after the call (nobody is served that fast), timed before the
    service it rates, or completing a burst from one device or client."""
    reasons = []
    called_at = rated.ticket.first_called_at if rated.ticket is not None else None
    if called_at is not None and at - called_at < datetime.timedelta(
        seconds=settings.HALL_REVIEW_MIN_SECONDS_AFTER_CALL
    ):
        reasons.append(Suspicion.SOON_AFTER_CALL)
    if at < rated.served_at:
        reasons.append(Suspicion.BEFORE_SERVICE)
    if source and len(_burst_of(source, at)) + 1 >= settings.HALL_REVIEW_BURST_COUNT:
        reasons.append(Suspicion.BURST)
    return [str(reason) for reason in reasons]


def _burst_of(source: str, at: datetime.datetime) -> list[Review]:
    since = at - datetime.timedelta(seconds=settings.HALL_REVIEW_BURST_SECONDS)
    return list(Review.objects.filter(source=source, rated_at__gte=since, rated_at__lte=at).only("pk", "suspicious"))


def _mark_burst(review: Review) -> None:
    """The reviews of the burst before this one are marked too: the burst is the finding, not its last review."""
    for earlier in _burst_of(review.source, review.rated_at):
        if earlier.pk != review.pk and Suspicion.BURST not in earlier.suspicious:
            Review.objects.filter(pk=earlier.pk).update(
                suspicious=[*earlier.suspicious, str(Suspicion.BURST)], is_suspicious=True
            )


def _clean_scores(scores, dimensions: dict) -> dict[str, int]:
    if scores in (None, ""):
        return {}
    if not isinstance(scores, dict) or len(scores) > len(dimensions):
        raise ParseError(_("Scores are given by dimension."), code="invalid_scores")
    cleaned = {}
    for name, value in scores.items():
        if name not in dimensions:
            raise ParseError(_("This service is not scored on that dimension."), code="invalid_scores")
        cleaned[name] = parse_count(
            value, low=1, high=5, message=_("Score %(dimension)s from 1 to 5.") % {"dimension": dimensions[name]}
        )
    return cleaned


def _clean_tags(tags, *, bad: bool) -> list[str]:
    if tags in (None, ""):
        return []
    known = BAD_TAGS if bad else GOOD_TAGS
    if (
        not isinstance(tags, list | tuple)
        or len(tags) > MAX_TAGS
        or not all(isinstance(tag, str) and tag in known for tag in tags)
    ):
        raise ParseError(_("Choose the tags from the list."), code="invalid_tags")
    return list(dict.fromkeys(tags))
