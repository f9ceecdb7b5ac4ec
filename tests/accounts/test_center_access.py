"""Who may see and act where (accounts.selectors.center_access): one answer for every screen and service."""

import pytest

from accounts.models import StaffMembership, StaffRole
from accounts.selectors import center_access
from tests.factories import CenterFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = CenterFactory(level="city")
    district = CenterFactory(level="district", parent=city)
    station = CenterFactory(level="community", parent=district)
    other = CenterFactory(level="district")
    return city, district, station, other


def member(center, role, *, department=None):
    user = UserFactory(password=None)
    StaffMembership.objects.create(user=user, center=center, role=role, department=department)
    return user


def test_a_supervisor_oversees_their_centre_and_every_site_below(tree):
    city, district, station, other = tree
    access = center_access(member(district, StaffRole.SUPERVISOR))
    assert access.seen_ids == access.supervised_ids == {district.pk, station.pk}
    assert access.supervises(station.pk) and access.staffs(station.pk)
    assert not access.sees(city.pk) and not access.sees(other.pk)


def test_a_clerk_staffs_and_sees_their_own_centre_only(tree):
    _city, district, station, _other = tree
    access = center_access(member(district, StaffRole.CLERK))
    assert access.seen_ids == {district.pk} and access.staffed_ids == {district.pk}
    assert access.staffs(district.pk) and not access.staffs(station.pk)
    assert not access.supervises(district.pk) and access.supervised_ids == set()


def test_a_department_head_sees_the_centre_and_heads_their_department(tree):
    _city, district, station, _other = tree
    market, tax = DepartmentFactory(), DepartmentFactory()
    access = center_access(member(district, StaffRole.DEPARTMENT_HEAD, department=market))
    assert access.sees(district.pk) and not access.sees(station.pk)
    assert access.heads(district.pk, market.pk) and not access.heads(district.pk, tax.pk)
    assert not access.staffs(district.pk) and not access.supervises(district.pk)


def test_roles_in_several_centres_add_up(tree):
    city, district, station, other = tree
    user = member(other, StaffRole.CLERK)
    StaffMembership.objects.create(user=user, center=city, role=StaffRole.CENTER_ADMIN)
    access = center_access(user)
    assert access.member_ids == {other.pk, city.pk}
    assert access.supervised_ids == {city.pk, district.pk, station.pk}
    assert access.seen_ids == {other.pk, city.pk, district.pk, station.pk}
    assert access.roles[other.pk] == {StaffRole.CLERK}


def test_the_system_admin_everywhere_citizens_and_visitors_nowhere(tree):
    city, *_rest = tree
    admin = center_access(UserFactory(is_superuser=True, password=None))
    assert admin.seen_ids is None and admin.supervised_ids is None and admin.supervises(city.pk)
    for nobody in (center_access(UserFactory(kind="citizen", password=None)), center_access(None)):
        assert nobody.seen_ids == set() and not nobody.sees(city.pk) and not nobody.staffs(city.pk)
