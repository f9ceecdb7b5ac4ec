"""The calling displays' notices: what an uploaded file may be, and telling the open displays when they change."""

from django.db import transaction
from django.utils.translation import gettext as _

from centers.models import Zone
from dashboards.models import DisplayNotice
from dashboards.selectors.groups import center_group, zone_group
from dashboards.selectors.notices import display_notices
from dashboards.services import hub
from dashboards.services.broadcast import screen_event
from hall.errors import DomainError

# A TV plays what a browser plays without plug-ins; the type is read from the first bytes, never from the name.
IMAGE_MAX_BYTES = 5 * 1024 * 1024
VIDEO_MAX_BYTES = 200 * 1024 * 1024


def _media_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


def notice_content_type(*, kind: str, text: str, head: bytes | None, size: int | None) -> str:
    """The media type to serve a notice's file with ("" for a text), or a DomainError saying what is wrong."""
    if kind == DisplayNotice.Kind.TEXT:
        if not text.strip():
            raise DomainError(_("A text notice needs its text."), code="notice_text")
        return ""
    if head is None:
        raise DomainError(_("An image or video notice needs its file."), code="notice_file")
    media_type = _media_type(head)
    if kind == DisplayNotice.Kind.IMAGE:
        if media_type is None or not media_type.startswith("image/"):
            raise DomainError(_("The image must be a JPEG, PNG or WebP file."), code="notice_type")
        if size > IMAGE_MAX_BYTES:
            raise DomainError(_("The image may be at most 5 MB."), code="notice_too_big")
    else:
        if media_type is None or not media_type.startswith("video/"):
            raise DomainError(_("The video must be an MP4 or WebM file."), code="notice_type")
        if size > VIDEO_MAX_BYTES:
            raise DomainError(_("The video may be at most 200 MB."), code="notice_too_big")
    return media_type


def notices_changed(*, center_id: int) -> None:
    """After the change commits, every open display of the centre gets its list of notices again (a message per
    display group: the centre's and each zone's); a display that misses it reads them on reconnect."""

    def send():
        hub.publish([center_group(center_id)], screen_event(_message(center_id, None)))
        for zone_id in Zone.objects.filter(center_id=center_id).values_list("id", flat=True):
            hub.publish([zone_group(zone_id)], screen_event(_message(center_id, zone_id)))

    transaction.on_commit(send)


def _message(center_id: int, zone_id: int | None) -> dict:
    return {"type": "notices", "notices": display_notices(center_id=center_id, zone_id=zone_id)}
