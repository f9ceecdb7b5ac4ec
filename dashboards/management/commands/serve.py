"""Run the whole hall in one process: migrate, load the demo data, print every screen's URL, serve over ASGI."""

import os
import socket
import unicodedata

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone, translation

from dashboards.selectors.screens import EVERYTHING, center_screens, citizen_screens, staff_screens
from queueing.management.demo_data import DEMO_LOGINS, DEMO_PASSWORD
from queueing.management.demo_traffic import demo_opened


def padded(text: str, width: int) -> str:
    """`text` filled to `width` terminal columns: a Chinese character takes two."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - columns, 0)


def public_url(*, host: str, port: int) -> str:
    """The address this hall serves on, as a phone would reach it: a wildcard host is named by the machine's name."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Migrate, load the demo data and serve the hall (HTTP and websockets) with uvicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")
        parser.add_argument("--no-migrate", action="store_true", help="Do not apply migrations first.")

    def handle(self, *args, host, port, no_demo, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if not no_demo:
            call_command("load_demo", quiet=True)
        if "HALL_PUBLIC_URL" not in os.environ:
            # Links in SMS and on slips point where this hall answers, unless the operator says otherwise.
            settings.HALL_PUBLIC_URL = public_url(host=host, port=port)
        self._print_guide(host=host, port=port, demo=not no_demo)
        uvicorn.run(
            "hall.asgi:application",
            host=host,
            port=port,
            lifespan="on",
            log_level=settings.LOG_LEVEL.lower(),
            proxy_headers=True,
            # A delta compressed once per socket costs CPU per screen; on the hall's own network bytes are cheap.
            ws_per_message_deflate=False,
        )

    def _print_guide(self, *, host, port, demo):
        """Every screen of the hall, from the list the front page shows by rights (dashboards/selectors/screens.py)."""
        base = f"http://{host}:{port}"
        out = self.stdout.write
        out(self.style.SUCCESS(f"\nThe service hall is at {base}/"))
        with translation.override("en"):
            for entry in center_screens(EVERYTHING):
                out(f"\n  {entry.center.name}")
                for screen in entry.screens:
                    out(f"    {padded(str(screen.label), 48)} {base}{screen.url}")
            out("\n  Citizens")
            for screen in citizen_screens():
                out(f"    {padded(str(screen.label), 48)} {base}{screen.url}")
            out("\n  Staff")
            for screen in staff_screens(EVERYTHING):
                out(f"    {padded(str(screen.label), 48)} {base}{screen.url}")
            out(f"    {'API docs':<48} {base}{reverse('api-docs')}")
            out(f"    {'Health':<48} {base}{reverse('healthz')}  {base}{reverse('readyz')}")
        if demo:
            out(f"\n  Demo logins (password {DEMO_PASSWORD}):")
            for role, username in DEMO_LOGINS:
                out(f"    {role:<56} {username}")
            if demo_opened(timezone.localdate()):
                out("\n  Today is a day off: the demo opened it as a working day (Admin → working-day overrides).")
        out("")
