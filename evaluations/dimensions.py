"""The dimensions a review scores besides its overall level (the national rules): one set for service at a window or
a hall, another for service online."""

from django.utils.translation import gettext_lazy as _

ON_SITE = {
    "overall": _("Overall satisfaction"),
    "efficiency": _("Service efficiency"),
    "competence": _("Service competence"),
    "attitude": _("Service attitude"),
}
ONLINE = {
    "overall": _("Overall satisfaction"),
    "efficiency": _("Handling efficiency"),
    "guide_accuracy": _("Accuracy of the service guide"),
    "convenience": _("Convenience of handling"),
    "usability": _("Ease of using the platform"),
}
# Tags a citizen may tick, by whether the review is good or bad; anything else is refused.
GOOD_TAGS = {
    "patient": _("Patient and polite"),
    "quick": _("Quick"),
    "clear": _("Explained clearly"),
    "one_visit": _("Done in one visit"),
}
BAD_TAGS = {
    "slow": _("Slow"),
    "unclear": _("Unclear explanation"),
    "attitude": _("Poor attitude"),
    "more_visits": _("Had to come again"),
    "asked_extra": _("Asked for extra materials"),
}
