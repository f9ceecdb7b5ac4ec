"""Reviews in the admin: listed with their rectification and appeal, the comment shown escaped, nothing editable."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from evaluations.models import Review
from evaluations.services.reviews import rated_ticket, review_submit
from tests.factories import UserFactory, ticket_of_day

pytestmark = pytest.mark.django_db
FRIDAY = datetime.date(2026, 12, 4)


@pytest.fixture
def bad_review(queue, window, clerk):
    ticket = ticket_of_day(queue, FRIDAY, "09:00", called="09:10", finished="09:25", window=window, clerk=clerk)
    at = datetime.datetime(2026, 12, 4, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    return review_submit(
        rated=rated_ticket(ticket), channel="evaluator", level=1, comment="<script>alert(1)</script>", at=at
    )


def test_reviews_rectifications_and_appeals_are_listed_and_read_only(client, bad_review):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get("/admin/evaluations/review/").content.decode()
    assert "非常不满意" in page and "<script>alert(1)" not in page
    detail = client.get(f"/admin/evaluations/review/{bad_review.pk}/change/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail and 'name="level"' not in detail
    rectifications = client.get("/admin/evaluations/rectification/").content.decode()
    assert "2026-12-07" in rectifications or "2026年12月7日" in rectifications
    assert client.get("/admin/evaluations/appeal/").status_code == 200
    assert client.get("/admin/evaluations/review/add/").status_code == 403
    response = client.post(f"/admin/evaluations/review/{bad_review.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and Review.objects.filter(pk=bad_review.pk).exists()
