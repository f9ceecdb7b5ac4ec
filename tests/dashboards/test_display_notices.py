"""Notices on the calling display: uploaded in the admin, checked by their bytes, served by the hall while shown,
scoped to the centre or one zone, and pushed to the open displays when they change."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dashboards import selectors
from dashboards.models import DisplayNotice
from dashboards.selectors.notices import display_notices
from dashboards.services import hub
from tests.factories import CenterFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db

# The smallest PNG: a real signature, one pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42" + bytes(16)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_notice(center, **fields) -> DisplayNotice:
    notice = DisplayNotice(center=center, kind="image", title="扫码预约", content_type="image/png", **fields)
    notice.file.save("a.png", ContentFile(PNG), save=True)
    return notice


def test_a_display_shows_the_centres_notices_and_a_zone_display_its_own_too_in_order():
    center, other = CenterFactory(), CenterFactory()
    zone, other_zone = ZoneFactory(center=center), ZoneFactory(center=center)
    now = timezone.now()
    DisplayNotice.objects.create(center=center, title="全中心", text="午间不取号", sort_order=2)
    DisplayNotice.objects.create(center=center, zone=zone, title="本区", text="请带原件", sort_order=1)
    DisplayNotice.objects.create(center=center, zone=other_zone, title="别区", text="…")
    DisplayNotice.objects.create(center=other, title="别的中心", text="…")
    DisplayNotice.objects.create(center=center, title="停用", text="…", active=False)
    DisplayNotice.objects.create(center=center, title="已过期", text="…", shown_until=now - datetime.timedelta(1))
    DisplayNotice.objects.create(center=center, title="未开始", text="…", shown_from=now + datetime.timedelta(1))
    DisplayNotice.objects.create(center=center, kind="image", title="没有文件")
    picture = image_notice(center)

    assert [n["title"] for n in display_notices(center_id=center.pk)] == ["扫码预约", "全中心"]
    assert [n["title"] for n in display_notices(center_id=center.pk, zone_id=zone.pk)] == ["扫码预约", "本区", "全中心"]
    image, text = display_notices(center_id=center.pk)
    assert image["kind"] == "image"
    assert image["src"].startswith(reverse("dashboards:notice_file", args=[picture.pk]) + "?v=")
    assert (text["kind"], text["text"], text["seconds"], text["src"]) == ("text", "午间不取号", 15, "")


def test_the_displays_snapshot_carries_the_notices_and_the_supervisors_does_not():
    center = CenterFactory()
    DisplayNotice.objects.create(center=center, title="办事提醒", text="请携带身份证")
    assert [n["title"] for n in selectors.hall_snapshot(center_id=center.pk)["notices"]] == ["办事提醒"]
    assert "notices" not in selectors.hall_snapshot(center_id=center.pk, supervisor=True)


def test_the_file_is_served_with_its_checked_type_only_while_the_notice_is_shown(client):
    center = CenterFactory()
    picture = image_notice(center)
    url = reverse("dashboards:notice_file", args=[picture.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    DisplayNotice.objects.filter(pk=picture.pk).update(active=False)
    assert client.get(url).status_code == 404
    text = DisplayNotice.objects.create(center=center, title="文字", text="…")
    assert client.get(reverse("dashboards:notice_file", args=[text.pk])).status_code == 404
    assert client.get("/display/notices/99999999/").status_code == 404


def video_notice(center, body: bytes) -> DisplayNotice:
    notice = DisplayNotice(center=center, kind="video", title="办事指引", content_type="video/mp4")
    notice.file.save("a.mp4", ContentFile(body), save=True)
    return notice


def test_a_video_is_served_in_the_parts_the_player_asks_for(client):
    body = MP4_HEAD + bytes(range(256)) * 40
    video = video_notice(CenterFactory(), body)
    url = reverse("dashboards:notice_file", args=[video.pk])

    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == body

    tail = client.get(url, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail["Content-Type"] == "video/mp4"
    assert tail["Content-Range"] == f"bytes {len(body) - 100}-{len(body) - 1}/{len(body)}"
    assert tail["Content-Length"] == "100" and b"".join(tail.streaming_content) == body[-100:]

    middle = client.get(url, headers={"Range": "bytes=1000-1999"})
    assert middle.status_code == 206 and b"".join(middle.streaming_content) == body[1000:2000]

    beyond = client.get(url, headers={"Range": f"bytes={len(body)}-"})
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(body)}"


def test_a_resumed_range_of_a_replaced_video_gets_the_whole_new_file(client):
    body = MP4_HEAD + bytes(4000)
    video = video_notice(CenterFactory(), body)
    url = reverse("dashboards:notice_file", args=[video.pk])
    first = client.get(url, headers={"Range": "bytes=0-9"})
    assert first.status_code == 206
    same = client.get(url, headers={"Range": "bytes=10-19", "If-Range": first["ETag"]})
    assert same.status_code == 206 and b"".join(same.streaming_content) == body[10:20]
    stale = client.get(url, headers={"Range": "bytes=10-19", "If-Range": '"0-0"'})
    assert stale.status_code == 200 and b"".join(stale.streaming_content) == body


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def post_notice(client, center, **fields):
    data = {"center": center.pk, "zone": "", "kind": "image", "title": "公告", "text": "", "seconds": 15}
    data |= {"sort_order": 0, "shown_from_0": "", "shown_from_1": "", "shown_until_0": "", "shown_until_1": ""}
    data |= {"active": "on"} | fields
    return client.post(reverse("admin:dashboards_displaynotice_add"), data)


def test_the_admin_takes_an_image_by_its_bytes_and_tells_the_open_displays(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    center = CenterFactory()
    zone = ZoneFactory(center=center)
    sent = []
    monkeypatch.setattr(hub, "publish", lambda groups, event: sent.append((list(groups), event)))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_notice(admin_client, center, file=SimpleUploadedFile("poster.png", PNG))
    assert response.status_code == 302
    notice = DisplayNotice.objects.get()
    assert notice.content_type == "image/png" and "poster" not in notice.file.name
    groups = [group for groups, _event in sent for group in groups]
    assert groups == [f"center-{center.pk}", f"zone-{zone.pk}"]
    assert '"type":"notices"' in sent[0][1]["text"] and "公告" in sent[0][1]["text"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"file": ("poster.png", b"<html>not an image</html>")}, "file", "JPEG、PNG 或 WebP"),
        ({"kind": "video", "file": ("film.mp4", PNG)}, "file", "MP4 或 WebM"),
        ({"kind": "image"}, "file", "需要上传文件"),
        ({"kind": "text", "text": "   "}, "text", "需要填写内容"),
    ],
)
def test_the_admin_refuses_what_a_display_cannot_show_and_keeps_nothing(admin_client, fields, field, message):
    center = CenterFactory()
    if "file" in fields:
        name, data = fields["file"]
        fields = fields | {"file": SimpleUploadedFile(name, data)}
    response = post_notice(admin_client, center, **fields)
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert not DisplayNotice.objects.exists()


def test_the_admin_takes_a_video_by_its_bytes_and_refuses_a_zone_of_another_centre(admin_client):
    center, other = CenterFactory(), CenterFactory()
    response = post_notice(admin_client, center, kind="video", file=SimpleUploadedFile("a.bin", MP4_HEAD))
    assert response.status_code == 302 and DisplayNotice.objects.get().content_type == "video/mp4"
    foreign = ZoneFactory(center=other)
    response = post_notice(admin_client, center, kind="text", text="…", zone=foreign.pk)
    assert "不属于所选中心" in " ".join(response.context["adminform"].form.errors["zone"])
    assert DisplayNotice.objects.count() == 1
