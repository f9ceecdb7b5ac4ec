"""The benchmark harness: `python -m bench` (see bench/README.md)."""


def run_alone(measure, *, default_rows: int) -> None:
    """A part run as a script (`bench/<part>.py <rows>`): on a database named hall_bench*, migrated, results as JSON."""
    import json
    import sys

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DATABASES["default"]["NAME"].startswith("hall_bench"):
        sys.exit("Run it on a database whose name starts with hall_bench.")
    call_command("migrate", verbosity=0)
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else default_rows
    print(json.dumps(measure(rows=rows), indent=2, ensure_ascii=False))
