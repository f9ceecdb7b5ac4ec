"""What the organisation announces to the apps above it."""

from django.dispatch import Signal

# Sent inside the transaction that changed the working-day calendar, with `years` (a set of the years whose days
# changed). A receiver recomputes what it counted on the old calendar and returns a list of `CalendarEffect`s.
calendar_changed = Signal()
