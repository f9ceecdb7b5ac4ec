"""Re-encrypt personal information under the current key and recompute the lookup hashes.

Rotation: put the new key first in HALL_PII_KEYS (keep the old ones after it), restart, run this command, then
remove the old keys. A new HALL_PII_HASH_KEY needs the old encryption keys still present, since the hashes are
recomputed from the decrypted values.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from hall import pii


class Command(BaseCommand):
    help = "Re-encrypt every personal-information field with the first key of HALL_PII_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        pii.reset_keys()
        total = 0
        for model in apps.get_models():
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, pii.EncryptedField | pii.BlindIndexField)
            ]
            if not fields:
                continue
            count = 0
            for start in range(0, model._default_manager.count(), batch_size):
                with transaction.atomic():
                    for row in model._default_manager.order_by("pk")[start : start + batch_size]:
                        row.save(update_fields=fields)
                        count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted"))
