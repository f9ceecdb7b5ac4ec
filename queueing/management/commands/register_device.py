"""`manage.py register_device`: register a device from a script (a rollout of many kiosks) and print its token, the
only time it is shown. The admin's Devices page does the same by hand."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from centers.models import Center
from hall.parsing import ParseError, clean_text, parse_id, parse_optional_id
from queueing.models import Device, Window
from queueing.services.devices import device_register


class Command(BaseCommand):
    help = "Register a device of a centre and print its API token (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("--center", required=True, help="the centre's id")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--may", action="append", required=True, choices=Device.Capability.values, help="repeat for each"
        )
        parser.add_argument("--window", help="the window's id, for a window terminal")

    def handle(self, *args, center, name, may, window, **options):
        try:
            device = Device(
                center=Center.objects.get(pk=parse_id(center)),
                name=clean_text(name, max_length=80, required=True),
                capabilities=sorted(set(may)),
                window=Window.objects.get(pk=window_id) if (window_id := parse_optional_id(window)) else None,
            )
            device.full_clean(exclude=["token_prefix", "token_hash"])
        except (ParseError, ValidationError, Center.DoesNotExist, Window.DoesNotExist) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(device_register(device=device))
