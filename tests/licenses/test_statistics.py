"""调用量: the granted uses by day, licence type and department, refusals apart; the big screen's 今日用证次数 counts
the same rows as the statistics page."""

import pytest

from dashboards.selectors import other_app_figures
from licenses.services.access import AccessRefused, licenses_for_staff
from queueing import services as queue_services
from queueing.models import Ticket
from tests.factories import clerk_of
from tests.licenses.conftest import PERSON

pytestmark = pytest.mark.django_db


def test_uses_today_reach_the_big_screen_and_the_statistics_page(
    client, queue, window, clerk, id_card_type, make_license
):
    make_license(id_card_type)
    queue_services.window_sign_in(window=window, clerk=clerk)
    ticket = queue_services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK, id_number=PERSON)
    queue_services.window_call_next(window=window, clerk=clerk)
    assert other_app_figures(center_id=queue.center_id)["licence_calls_today"] == 0
    for purpose in ("核验身份", "核验营业执照"):
        licenses_for_staff(user=clerk, context_kind="ticket", context_id=ticket.pk, purpose=purpose)
    with pytest.raises(AccessRefused):
        licenses_for_staff(
            user=clerk_of(queue.center, username="x"), context_kind="ticket", context_id=ticket.pk, purpose="看看"
        )
    assert other_app_figures(center_id=queue.center_id)["licence_calls_today"] == 2
    client.force_login(clerk)
    page = client.get("/stats/licences/", {"center": queue.center_id})
    assert page.status_code == 200
    figures = page.context["report"]["figures"]
    assert (figures.total, figures.refused) == (2, 1)
    assert figures.by_department == [(window.department.name if window.department else "无部门", 2)]
    assert figures.by_type == [("持证人全部证照（查询）", 2)]
    export = client.get("/stats/licences/export.csv", {"center": queue.center_id}).content.decode("utf-8-sig")
    assert "用证次数" in export and "2,1" in export
