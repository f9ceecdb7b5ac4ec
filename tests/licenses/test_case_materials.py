"""A material an e-licence can replace shows "available as e-licence" when the applicant holds a valid one; accepted
that way, the case keeps the licence's reference and shows what became of the licence since."""

import pytest

from licenses.models import LicenseAccess, LicenseStatus
from licenses.services.status import license_status_change
from matters.models import Case, Material
from queueing import services as queue_services
from queueing.models import Ticket
from tests.factories import MatterFactory
from tests.licenses.conftest import PERSON

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def desk(queue, window, clerk, business_type, id_card_type):
    matter = MatterFactory(name="个体工商户变更登记")
    Material.objects.create(matter=matter, name="申请书", sort_order=1)
    Material.objects.create(matter=matter, name="营业执照", license_type=business_type, sort_order=2)
    Material.objects.create(matter=matter, name="经营者身份证件", license_type=id_card_type, sort_order=3)
    queue.matters.add(matter)
    queue_services.window_sign_in(window=window, clerk=clerk)
    ticket = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, matter=matter, id_number=PERSON)
    queue_services.window_call_next(window=window, clerk=clerk)
    return {"matter": matter, "ticket": ticket}


def test_the_checklist_offers_the_licences_the_applicant_holds(client, clerk, desk, business_type, make_license):
    make_license(business_type)  # a valid business licence; no identity card in the registry
    client.force_login(clerk)
    page = client.get(f"/clerk/tickets/{desk['ticket'].pk}/case/").content.decode()
    business = page.split("营业执照")[1].split("</tr>")[0]
    identity = page.split("经营者身份证件")[1].split("</tr>")[0]
    assert "可用电子证照" in business and 'value="e_license" checked' in business
    assert "无有效电子证照" in identity and 'value="received" checked' in identity


def test_accepting_with_the_licence_keeps_its_reference_and_shows_a_revocation(
    client, clerk, desk, business_type, make_license
):
    licence = make_license(business_type)
    client.force_login(clerk)
    materials = {m.name: m.pk for m in desk["matter"].materials.all()}
    response = client.post(
        f"/clerk/tickets/{desk['ticket'].pk}/case/",
        {
            "matter": desk["matter"].pk,
            f"material-{materials['申请书']}": "received",
            f"material-{materials['营业执照']}": "e_license",
            f"material-{materials['经营者身份证件']}": "received",
            "applicant_name": "王小明",
            "id_number": PERSON,
            "delivery": "pickup",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.materials.get(name="营业执照").license_reference == licence.identifier
    assert LicenseAccess.objects.filter(kind="attach", context_kind="case", context_id=case.pk).count() == 1
    assert "有效" in client.get(f"/cases/{case.pk}/").content.decode().split("营业执照")[1].split("</li>")[0]
    license_status_change(license=licence, status=LicenseStatus.REVOKED, reason="以欺骗手段取得")
    assert "撤销" in client.get(f"/cases/{case.pk}/").content.decode().split("营业执照")[1].split("</li>")[0]
