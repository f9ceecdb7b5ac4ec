"""WSGI entry point: the production HTTP server (gunicorn, sync workers) serves pages and the API through it, with
persistent database connections; websockets go to the ASGI server (hall/asgi.py). See docs/architecture.md,
"Runtime topologies"."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")
application = get_wsgi_application()

# Objects alive after start-up live all day: keep them out of the collector's passes (and, with gunicorn's
# --preload, shared between the workers' pages).
gc.freeze()
