"""The review statistics page, its exports and the public results page, on the hand-computed day of
test_statistics: the figures a supervisor prints and the public reads are the ones computed there."""

import csv
import io

import openpyxl
import pytest
import time_machine

from accounts.models import StaffMembership, StaffRole
from tests.evaluations.test_statistics import FRIDAY, day, moment  # noqa: F401 (the fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RANGE = "date_from=2026-12-01&date_to=2026-12-31"


@pytest.fixture
def supervisor(day):  # noqa: F811
    user = UserFactory(username="reader")
    StaffMembership.objects.create(user=user, center=day["center"], role=StaffRole.SUPERVISOR)
    return user


def test_the_statistics_page_with_and_without_defaults(client, day, supervisor):  # noqa: F811
    client.force_login(supervisor)
    with time_machine.travel(moment(FRIDAY, "18:00"), tick=False):
        page = client.get(f"/stats/reviews/?center={day['center'].pk}&{RANGE}").content.decode()
        without = client.get(f"/stats/reviews/?center={day['center'].pk}&{RANGE}&defaults=without").content.decode()
    assert 'data-testid="kpi-reviews">8<' in page
    assert 'data-testid="kpi-good-rate">62.50<' in page
    assert 'data-testid="kpi-rectified-rate">66.67<' in page
    assert 'data-testid="kpi-callback-rate">33.33<' in page
    assert 'data-testid="kpi-suspicious">1<' in page
    assert 'data-testid="kpi-good-rate">57.14<' in without
    assert "市场监管局" in page and "税务局" in page


def test_the_excel_and_csv_exports_hold_the_same_figures(client, day, supervisor):  # noqa: F811
    client.force_login(supervisor)
    with time_machine.travel(moment(FRIDAY, "18:00"), tick=False):
        xlsx = client.get(f"/stats/reviews/export.xlsx?center={day['center'].pk}&{RANGE}")
        text = client.get(f"/stats/reviews/export.csv?center={day['center'].pk}&{RANGE}&by=department")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    total = [cell.value for cell in book.worksheets[0][2]]
    assert total == [8, 5, 3, 62.5, 37.5, 66.67, 33.33, 1, 1]  # numbers a spreadsheet can sum
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    department = next(row for row in rows if row and row[0] == "市场监管局")
    assert department[1:4] == ["5", "3", "2"] and department[4] == "60.00"


def test_the_public_results_page_lists_departments_and_each_bad_reviews_rectification(client, day):  # noqa: F811
    with time_machine.travel(moment(FRIDAY, "18:00"), tick=False):
        page = client.get(f"/reviews/results/?center={day['center'].pk}&month=2026-12").content.decode()
    assert 'data-testid="results-reviews">8<' in page
    assert 'data-testid="results-good-rate">62.50<' in page
    assert page.count("已回访") >= 1 and page.count("已整改") >= 1 and page.count("待核实") >= 1
    assert "误触" not in page  # nothing of the appeal or any comment is published


@pytest.mark.parametrize(
    "month, message",
    [
        ("2026-13", "2026-13 不是日历上存在的月份。"),
        ("2026-1", "请按 YYYY-MM 格式输入月份，例如 2026-12。"),
        ("<script>", "请按 YYYY-MM 格式输入月份，例如 2026-12。"),
        ("2027-01", "请输入 2000-01 至 2026-12 之间的月份。"),
        ("１９９９-01", "请输入 2000-01 至 2026-12 之间的月份。"),
    ],
)
def test_a_bad_month_is_refused_in_words(client, day, month, message):  # noqa: F811
    with time_machine.travel(moment(FRIDAY, "18:00"), tick=False):
        response = client.get("/reviews/results/", {"month": month})
    assert response.status_code == 400
    assert message in response.content.decode()
