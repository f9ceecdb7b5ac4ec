"""`workdays add 2026-09-30 5` prints the due date; `workdays list 2026-09-25 2026-10-12` prints the working days."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from centers.workdays import MAX_WORKING_DAYS, work_calendar
from hall.errors import user_message
from hall.parsing import ParseError, parse_date, parse_working_days


class Command(BaseCommand):
    help = _("Count working days on the hall's calendar (holidays, make-up working days and the override table).")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help=_("The N-th working day after a date: the due date of a deadline."))
        add.add_argument("start", help="YYYY-MM-DD")
        add.add_argument("days", help=_("working days, 0 to %(max)d") % {"max": MAX_WORKING_DAYS})
        listing = commands.add_parser("list", help=_("The working days from one date to another, both included."))
        listing.add_argument("first", help="YYYY-MM-DD")
        listing.add_argument("last", help="YYYY-MM-DD")

    def handle(self, *args, action, **options):
        calendar = work_calendar()
        try:
            if action == "add":
                start, days = parse_date(options["start"]), parse_working_days(options["days"])
                due = calendar.add(start, days)
                note = _("provisional: the %(year)d schedule is not confirmed") % {"year": due.year}
                self.stdout.write(f"{due:%Y-%m-%d}" + (f"  ({note})" if calendar.is_provisional(due) else ""))
                return
            first, last = parse_date(options["first"]), parse_date(options["last"])
            if last < first:
                raise CommandError(_("The last date comes before the first."))
            for day in calendar.working_days(first, last):
                mark = "  *" if calendar.is_provisional(day) else ""
                self.stdout.write(f"{day:%Y-%m-%d}{mark}")
        except ParseError as error:
            raise CommandError(user_message(error)) from None
        except ValueError as error:  # a count that runs past the calendar's last year
            raise CommandError(str(error)) from None
