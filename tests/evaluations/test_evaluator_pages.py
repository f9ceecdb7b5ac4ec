"""The evaluator's pages over HTTP: pairing with a device token, the page behind the pairing cookie, the clerk's photo
(to the paired evaluator of the clerk's window only) and the photo's checks."""

import pytest

from accounts.services import staff_photo_set
from evaluations.evaluator import COOKIE_NAME
from hall.errors import DomainError
from queueing import services
from queueing.models import Device
from queueing.services.devices import device_revoke
from tests.factories import WindowFactory, device_token

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def evaluator_token(window):
    return device_token(window.center, Device.Capability.EVALUATE, window=window, name="评价器")


def test_pairing_sets_a_cookie_scripts_cannot_read_and_opens_the_evaluator(client, evaluator_token, window):
    assert "pair" in client.get("/evaluator/").content.decode()  # not paired: the pairing form
    response = client.post("/evaluator/pair/", {"token": f"  {evaluator_token} "})
    assert response.status_code == 302
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == evaluator_token and cookie["httponly"] and cookie["samesite"] == "Strict"
    page = client.get("/evaluator/")
    assert b'data-socket="/ws/evaluator/"' in page.content
    assert str(window.number).encode() in page.content


@pytest.mark.parametrize("token", ["", "hdt_" + "a" * 43, "<script>alert(1)</script>", "x" * 5000, "hdt_\x00"])
def test_a_wrong_token_pairs_nothing_and_says_why(client, evaluator_token, token):
    response = client.post("/evaluator/pair/", {"token": token})
    assert response.status_code == 400
    assert "不是窗口评价器的令牌" in response.content.decode()
    assert COOKIE_NAME not in response.cookies


def test_a_revoked_or_other_token_pairs_nothing_and_a_paired_tablet_is_unpaired(client, window, evaluator_token):
    kiosk = device_token(window.center, Device.Capability.ISSUE, name="取号机")
    assert client.post("/evaluator/pair/", {"token": kiosk}).status_code == 400
    client.post("/evaluator/pair/", {"token": evaluator_token})
    device_revoke(device=Device.objects.get(name="评价器"))
    page = client.get("/evaluator/")
    assert "本评价器尚未配对或已被吊销" in page.content.decode()
    assert client.post("/evaluator/pair/", {"token": evaluator_token}).status_code == 400


def test_the_photo_goes_to_the_paired_evaluator_of_the_clerks_window_only(client, window, clerk, evaluator_token):
    staff_photo_set(user=clerk, data=PNG)
    assert client.get("/evaluator/photo/").status_code == 404  # not paired
    client.post("/evaluator/pair/", {"token": evaluator_token})
    assert client.get("/evaluator/photo/").status_code == 404  # nobody at the window yet
    services.window_sign_in(window=window, clerk=clerk)
    photo = client.get("/evaluator/photo/")
    assert (photo.status_code, photo["Content-Type"], photo.content) == (200, "image/png", PNG)

    elsewhere = WindowFactory(center=window.center, zone=window.zone, number=99)
    other = device_token(window.center, Device.Capability.EVALUATE, window=elsewhere, name="别处评价器")
    client.post("/evaluator/pair/", {"token": other})
    assert client.get("/evaluator/photo/").status_code == 404


@pytest.mark.parametrize(
    "data, message",
    [(b"GIF89a" + b"\x00" * 10, "JPEG 或 PNG"), (b"\xff\xd8\xff" + b"\x00" * (300 * 1024), "300 KB")],
)
def test_a_photo_that_is_not_a_small_jpeg_or_png_is_refused_and_the_old_one_kept(clerk, data, message):
    staff_photo_set(user=clerk, data=PNG)
    with pytest.raises(DomainError, match=message):
        staff_photo_set(user=clerk, data=data)
    clerk.refresh_from_db()
    assert (bytes(clerk.photo), clerk.photo_type) == (PNG, "image/png")


def test_an_evaluator_must_stand_at_a_window(window):
    with pytest.raises(Exception, match="评价器安装在窗口上"):
        device_token(window.center, Device.Capability.EVALUATE, name="无窗口评价器")
