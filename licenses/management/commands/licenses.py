"""`licenses check-id <identifier>` prints `valid` or `invalid: <reason>` (exit 0 or 1);
`licenses import <file>` imports a CSV or JSON Lines file of licences with a progress bar."""

import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from licenses import identifiers
from licenses.services.import_rows import format_of
from licenses.services.imports import ImportResult, licenses_import

BAR_WIDTH = 30


class Command(BaseCommand):
    help = _("The e-licence registry: check an identifier, import a file of licences.")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        check = commands.add_parser("check-id", help=_("Check a licence identifier and its check character."))
        check.add_argument("identifier")
        load = commands.add_parser("import", help=_("Import licences from a CSV or JSON Lines file (upsert)."))
        load.add_argument("file")
        load.add_argument("--format", choices=["csv", "jsonl"], help=_("default: from the file name"))
        load.add_argument("--orm", action="store_true", help=_("write through the ORM even on PostgreSQL"))
        load.add_argument("--workers", type=int, help=_("processes that check rows (bulk path)"))
        load.add_argument("--no-progress", action="store_true")

    def handle(self, *args, action, **options):
        if action == "check-id":
            reason = identifiers.problem(options["identifier"])
            if reason is None:
                self.stdout.write("valid")
                return
            self.stdout.write(f"invalid: {reason}")
            sys.exit(1)
        self._import(**options)

    def _import(self, *, file, format, orm, workers, no_progress, **options):
        format = format or format_of(file)
        if format is None:
            raise CommandError(_("Say --format csv or --format jsonl: the file name does not tell."))
        try:
            size = os.path.getsize(file)
            stream = open(file, "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        started = time.monotonic()
        show = (not no_progress and self.stderr.isatty()) or os.environ.get("HALL_PROGRESS") == "1"

        def progress(result: ImportResult, bytes_read: int) -> None:
            if not show:
                return
            done = bytes_read / size if size else 1
            rate = result.rows / max(time.monotonic() - started, 1e-6)
            bar = "#" * int(done * BAR_WIDTH)
            self.stderr.write(
                f"\r[{bar:<{BAR_WIDTH}}] {done:6.1%}  {result.rows:,} rows  {rate:,.0f} rows/s", ending=""
            )

        with stream:
            result = licenses_import(
                stream=stream, format=format, progress=progress, bulk=False if orm else None, workers=workers
            )
        if show:
            self.stderr.write("")
        seconds = time.monotonic() - started
        for rejection in result.rejections:
            self.stdout.write(_("line %(line)d: %(reason)s") % {"line": rejection.line, "reason": rejection.reason})
        if result.rejected > len(result.rejections):
            self.stdout.write(_("… and %(n)d more rejected rows") % {"n": result.rejected - len(result.rejections)})
        self.stdout.write(
            _(
                "%(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(rejected)d rejected "
                "in %(seconds).1f s (%(rate)d rows/s)"
            )
            % {
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                "seconds": seconds,
                "rate": result.rows / max(seconds, 1e-6),
            }
        )
