"""`manage.py run_fanout`: the production fan-out process (dashboards/services/fanout.py). It takes the events the
web workers publish to Redis and sends the screens' deltas and the phones' messages. Run one per hall; a stopped
fan-out loses nothing the screens need: they catch up with the next snapshot, and items wait in Redis meanwhile."""

import asyncio
import gc
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboards.services import fanout


class Command(BaseCommand):
    help = "Send the screens' deltas and the phones' messages for the events the web workers publish (needs Redis)."

    def handle(self, *args, **options):
        if settings.HALL_FANOUT != "redis":
            raise CommandError("run_fanout needs REDIS_URL (HALL_FANOUT=redis); the embedded hall fans out in-process.")
        self.stdout.write(f"fan-out: reading {settings.HALL_FANOUT_KEY}")
        gc.freeze()
        asyncio.run(self._run())

    async def _run(self):
        task = asyncio.ensure_future(fanout.run_from_redis())
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            self.stdout.write("fan-out: stopped")
