"""`manage.py rollup_history [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--center CODE]`: build the daily rollups of past
days the periodic job no longer reaches (it looks back a week): history imported with the system, a job stopped for
weeks. Parses the arguments and runs `stats_rollup_history`; one line per day, each day committed on its own."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dashboards.services.rollups import DayRollup, stats_rollup_history
from hall.errors import DomainError
from hall.parsing import parse_date


def parse_day(value: str | None, *, option: str) -> datetime.date | None:
    if value is None:
        return None
    value = value.strip()
    try:
        return parse_date(value)
    except ValidationError:
        raise CommandError(
            _("%(option)s: “%(value)s” is not a date; write it as YYYY-MM-DD, for example 2026-03-01.")
            % {"option": option, "value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Roll up the ticket history of past days into the daily statistics (default: from the oldest ticket's day to "
        "yesterday). A day rolled up again is replaced; each day is committed on its own, so an interrupted run can "
        "simply be started again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="First day (default: oldest ticket).")
        parser.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="Last day (default: yesterday).")
        parser.add_argument("--center", default="", metavar="CODE", help="Only the centre with this code.")

    def handle(self, *args, first, last, center, **options):
        first_day = parse_day(first, option="--from")
        last_day = parse_day(last, option="--to")
        try:
            plan = stats_rollup_history(first=first_day, last=last_day, center_code=(center or "").strip())
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        if not plan.days:
            self.stdout.write(_("No tickets up to %(last)s: nothing to roll up.") % {"last": plan.last.isoformat()})
            return
        done = None
        try:
            for day in plan.run():
                self._report(day)
                done = day.date
        except KeyboardInterrupt:
            resume = done + datetime.timedelta(days=1) if done else plan.first
            raise CommandError(
                _("Interrupted at %(resume)s: the days before it are saved. Continue with --from %(resume)s.")
                % {"resume": resume.isoformat()}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(days)d day(s) rolled up, %(first)s to %(last)s.")
                % {"days": plan.days, "first": plan.first.isoformat(), "last": plan.last.isoformat()}
            )
        )

    def _report(self, day: DayRollup) -> None:
        if day.centers:
            line = _(
                "%(date)s: %(centers)d centre(s), %(issued)d issued, %(served)d served, "
                "%(queue_rows)d queue rows and %(window_rows)d window rows written"
            ) % {
                "date": day.date.isoformat(),
                "centers": day.centers,
                "issued": day.counts.issued,
                "served": day.counts.served,
                "queue_rows": day.counts.queue_rows,
                "window_rows": day.counts.window_rows,
            }
        else:
            line = _("%(date)s: no tickets, nothing written") % {"date": day.date.isoformat()}
        self.stdout.write(line)
