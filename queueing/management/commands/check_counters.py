"""`manage.py check_counters`: prove today's counters against the tickets now and mend them (the periodic job's
work, at once: after an upgrade or a bulk import of today's tickets)."""

from django.core.management.base import BaseCommand

from queueing.services.counters import counters_check_today


class Command(BaseCommand):
    help = "Recount today's ticket figures of every centre and rebuild the counters that differ."

    def handle(self, *args, **options):
        wrong = counters_check_today()
        self.stdout.write(f"{wrong} counter rows rebuilt" if wrong else "The counters agree with the tickets.")
