"""The registry in the admin: an uploaded file is imported by a worker with its progress and rejected rows on its
page, and deleted afterwards; licences show the holder's code masked and are found by it; a status changes only with
a reason."""

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licenses.models import License, LicenseImport, LicenseStatusChange
from tests.factories import UserFactory
from tests.licenses.conftest import PERSON
from tests.licenses.test_import import as_csv, row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]
MASKED = "1101**********002X"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_an_uploaded_file_is_imported_with_its_rejections_and_then_deleted(
    client, admin_user, id_card_type, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_user)
    data = as_csv([row(id_card_type, "U1"), row(id_card_type, "U2", issued_on="2026-02-30")]).getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/licenses/licenseimport/add/", {"file": SimpleUploadedFile("证照.csv", data, "text/csv")}
        )
    assert response.status_code == 302
    job = LicenseImport.objects.get()
    assert (job.status, job.rows_read, job.created, job.rejected, job.percent) == ("done", 2, 1, 1, 100)
    assert (
        job.rejections == [{"line": 3, "reason": job.rejections[0]["reason"]}]
        and "2026-02-30" in job.rejections[0]["reason"]
    )
    assert not job.file and not any(files for _root, _dirs, files in os.walk(tmp_path))
    page = client.get(f"/admin/licenses/licenseimport/{job.pk}/change/").content.decode()
    assert "第 3 行" in page and "100 %" in page
    refused = client.post(
        "/admin/licenses/licenseimport/add/", {"file": SimpleUploadedFile("证照.xlsx", b"PK..", "application/zip")}
    )
    assert refused.status_code == 200 and ".csv" in refused.content.decode()
    assert LicenseImport.objects.count() == 1


def test_licences_in_the_admin_are_masked_found_by_the_holder_code_and_changed_with_a_reason(
    client, admin_user, id_card_type, make_license
):
    licence = make_license(id_card_type)
    client.force_login(admin_user)
    page = client.get("/admin/licenses/license/", {"q": PERSON}).content.decode()
    # What the rows show; their links carry the admin's own query back, as every admin list does.
    results = re.sub(r'href="[^"]*"', "", page.split('id="result_list"')[1].split("<tbody>")[1].split("</tbody>")[0])
    assert licence.number in results and MASKED in results and PERSON not in results
    page = client.get(f"/admin/licenses/license/{licence.pk}/change/").content.decode()
    assert MASKED in page and PERSON not in page
    url = f"/admin/licenses/license/{licence.pk}/status/"
    assert client.post(url, {"status": "suspended", "reason": ""}).status_code == 200
    assert not LicenseStatusChange.objects.exists()
    assert client.post(url, {"status": "suspended", "reason": "涉嫌违法经营"}).status_code == 302
    licence.refresh_from_db()
    assert licence.status == "suspended" and licence.status_reason == "涉嫌违法经营"
    assert client.post(url, {"status": "suspended", "reason": "再来一次"}).status_code == 200  # already suspended
    assert LicenseStatusChange.objects.count() == 1 and License.objects.get().status == "suspended"
