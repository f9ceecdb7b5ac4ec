"""The reviews a citizen gave (accounts.personal_data): the ratings stay in the statistics, the words go."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.personal_data import DataSection, register_section
from evaluations.models import Review


def _given(user):
    return Review.objects.filter(Q(ticket__citizen=user) | Q(case__citizen=user))


def _reviews(user) -> list[dict]:
    return [
        {"rated": r.rated_at.isoformat(), "stage": r.stage, "level": r.level, "tags": r.tags, "comment": r.comment}
        for r in _given(user).order_by("rated_at")
    ]


def _erase_comments(user) -> None:
    _given(user).exclude(comment="").update(comment="")


def register() -> None:
    # Erased first (order 5): the reviews are found through the numbers and cases, which deletion unlinks.
    register_section(
        DataSection(
            "reviews",
            _("Reviews given"),
            _reviews,
            _erase_comments,
            _("the ratings stay in the statistics without your account; your comments are erased"),
            order=5,
        )
    )
