"""The demo hall is what newcomers, browser tests and benchmarks stand on: it must be rich and idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import CitizenProfile, StaffMembership, User
from centers.models import Center, Department, Zone
from hall import identity
from hall.models import AuditEntry
from licenses.models import LicenseType
from matters.models import Bundle, BundleItem, Material, Matter, Theme
from matters.selectors import bundle_materials
from queueing.models import Queue, Window, WindowQueue

MODELS = [Center, Zone, Department, Matter, Material, Queue, Window, WindowQueue, User, StaffMembership, CitizenProfile]
MODELS += [Theme, Bundle, BundleItem, LicenseType]


def snapshot():
    return {model.__name__: model.objects.count() for model in MODELS} | {"audit": AuditEntry.objects.count()}


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    call_command("load_demo", quiet=True, no_traffic=True, stdout=StringIO())
    first = snapshot()
    call_command("load_demo", quiet=True, no_traffic=True, stdout=StringIO())
    assert snapshot() == first


@pytest.mark.django_db
def test_the_demo_hall_is_a_real_district_hall():
    call_command("load_demo", quiet=True, no_traffic=True, stdout=StringIO())
    hall = Center.objects.get(code="DEMO")
    assert Matter.objects.count() >= 60 and Department.objects.count() >= 8
    windows = Window.objects.filter(center=hall)
    assert windows.count() >= 20
    assert {"general", "tidal", "pickup"} <= set(windows.values_list("kind", flat=True))
    assert set(Zone.objects.filter(center=hall).values_list("name", flat=True)) >= {
        "商事登记",
        "不动产登记",
        "社保医保",
        "税务",
        "公安出入境",
        "无差别综合受理",
        "统一出件",
    }
    roles = set(StaffMembership.objects.filter(center=hall).values_list("role", flat=True))
    assert roles == {"clerk", "supervisor", "department_head", "center_admin"}
    for profile in CitizenProfile.objects.select_related("user"):
        assert identity.validate_id_number(profile.id_number) == profile.id_number
        assert profile.user.kind == User.Kind.CITIZEN and profile.user.mobile.startswith("138")


@pytest.mark.django_db
def test_the_demo_catalogue_passes_its_own_validation_and_has_themes_bundles_and_licences():
    call_command("load_demo", quiet=True, no_traffic=True, stdout=StringIO())
    for matter in Matter.objects.all():
        matter.full_clean()  # codes, limits, online depth: the rules an administrator's spreadsheet must keep
        assert matter.themes.exists(), matter.name
    assert Theme.objects.filter(kind="life_event").count() >= 6
    second_hand = Bundle.objects.get(code="ESF-01")
    names = [m.name for m in bundle_materials(second_hand)]
    assert names.count("不动产权证书（或房屋所有权证、国有土地使用证）") == 1  # asked once for both matters
    assert Material.objects.filter(name="营业执照", license_type__name="营业执照").exists()
