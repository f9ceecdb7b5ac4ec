"""Case figures per window: the one dimension only the queue knows (the window a case was accepted at)."""

from django.db.models import OuterRef, QuerySet, Subquery

from matters.models import Case
from matters.statistics import CaseFigures, case_figures
from queueing.models import CaseTicket


def with_acceptance_window(cases: QuerySet[Case]) -> QuerySet[Case]:
    accepted_at = CaseTicket.objects.filter(case=OuterRef("pk"), role=CaseTicket.Role.ACCEPTED).order_by("at")
    return cases.annotate(
        window_id=Subquery(accepted_at.values("window_id")[:1]),
        window_label=Subquery(accepted_at.values("window__number")[:1]),
    )


def case_figures_by_window(cases: QuerySet[Case], *, period: str | None = None) -> list[CaseFigures]:
    """The headline figures per window of acceptance (online cases, accepted at no window, under None)."""
    return case_figures(with_acceptance_window(cases), by="window_id", label="window_label", period=period)
