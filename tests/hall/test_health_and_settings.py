import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_and_readyz(client, settings):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_reports_unreachable_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HALL_", "DATABASE_", "REDIS_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import django, os; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "hall.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django("print('started')", HALL_PRODUCTION="1")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_to_start_without_personal_information_keys():
    result = run_django("print('started')", HALL_PRODUCTION="1", DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "HALL_PII_KEYS" in result.stderr


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HALL_", "DATABASE_", "REDIS_"))},
            "HALL_PRODUCTION": "1",
            "DJANGO_SECRET_KEY": "x7" * 40 + "-production-like-secret-with-enough-entropy",
            "DJANGO_ALLOWED_HOSTS": "hall.example.gov.cn",
            "HALL_PII_KEYS": "x3PqTPG6qcQ0K6v0zYhV0Oq6K8gJ0S6o1m7Qm7f3T0A=",
            "HALL_PII_HASH_KEY": "production-like-hash-key-of-enough-length",
            "HALL_STATIC_ROOT": str(tmp_path / "static"),
            "HALL_VAR_DIR": str(tmp_path / "var"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_is_sqlite_in_memory_layer_and_eager_tasks():
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ)",
        HALL_VAR_DIR="/tmp/hall-settings-check",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "True",
        "zh-hans",
        "Asia/Shanghai",
        "True",
    ]


def test_redis_url_switches_layer_cache_and_broker():
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.CHANNEL_LAYERS['default']['BACKEND'], s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, "
        "s.CELERY_TASK_ALWAYS_EAGER, s.HALL_INPROCESS_JOBS)",
        REDIS_URL="redis://127.0.0.1:6379/3",
        HALL_VAR_DIR="/tmp/hall-settings-check",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
        "False",
        "False",
    ]
