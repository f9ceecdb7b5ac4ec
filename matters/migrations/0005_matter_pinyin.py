"""Fill the pinyin search keys of the matters that existed before they were kept."""

from django.db import migrations

from matters.pinyin import pinyin_keys


def fill(apps, schema_editor):
    Matter = apps.get_model("matters", "Matter")
    for matter in Matter.objects.only("pk", "name"):
        initials, syllables = pinyin_keys(matter.name)
        Matter.objects.filter(pk=matter.pk).update(pinyin_initials=initials, pinyin_full="".join(syllables))


class Migration(migrations.Migration):
    dependencies = [("matters", "0004_catalogue_and_cases")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
