# One image for every process of the hall: web (uvicorn), Celery worker and Celery beat.
# The command is chosen by docker-compose.yml (or by whatever runs the image).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=hall.settings \
    HALL_VAR_DIR=/app/var

WORKDIR /app

RUN groupadd --system hall && useradd --system --gid hall --home-dir /app --no-create-home hall

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
# The project declares no importable packages (the apps run from /app), so `pip install .` installs just the
# dependencies; the build leaves its metadata in the tree, which is removed before the sources are copied.
COPY pyproject.toml README.md ./
RUN pip install . && rm -rf build ./*.egg-info

COPY . .

# Static files are collected at build time with the production storage (hashed, compressed names for WhiteNoise).
# Settings refuse to load in production without a key: this one exists only for this build step.
RUN HALL_PRODUCTION=1 DJANGO_SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var /app/media \
    && chown -R hall:hall /app/var /app/media

USER hall

EXPOSE 8000

CMD ["uvicorn", "hall.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", \
     "--lifespan", "on", "--proxy-headers"]
