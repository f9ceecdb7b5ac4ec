"""Websockets of the hall's screens. Each sends a full snapshot on connect, then the centre's deltas."""

import asyncio
import json
import time

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.selectors import center_access
from centers.models import Center, Zone
from dashboards import selectors
from dashboards.selectors import citizen
from dashboards.selectors.groups import center_group, evaluator_group, queue_group, supervisor_group, zone_group
from dashboards.services import hub, presence
from evaluations.evaluator import COOKIE_NAME, evaluator_device, evaluator_device_still_paired, evaluator_state
from evaluations.services.evaluator import evaluator_rate
from hall.errors import DomainError
from queueing.links import citizen_ticket_id

FORBIDDEN = 4403
NOT_FOUND = 4404
TRY_AGAIN_LATER = 1013
NO_CHANNEL_LAYER = "none: sockets take their messages from the hub"
OUTBOX_LIMIT = 200


class HubSocket(AsyncJsonWebsocketConsumer):
    """A socket fed by the process's hub (dashboards/services/hub.py), not by the channel layer: one delivery per
    process, handed to each socket's own queue and written out by its own task, so a slow socket delays nobody
    else. A socket that falls `OUTBOX_LIMIT` messages behind is closed, and reconnects to a fresh snapshot."""

    # An alias that names no layer gives the consumer none (channels.layers.get_channel_layer returns None).
    channel_layer_alias = NO_CHANNEL_LAYER
    group: str | None = None
    writer: asyncio.Task | None = None

    async def hub_follow(self, group: str) -> bool:
        """Take the messages of `group` (and no longer those of the group before); False when this process could
        not listen in time."""
        if group == self.group:
            return True
        self.hub_leave()
        if not hasattr(self, "outbox"):
            self.outbox = asyncio.Queue(maxsize=OUTBOX_LIMIT)
        if not await hub.join(group, self):
            return False
        self.group = group
        return True

    def hub_leave(self) -> None:
        if self.group is not None:
            hub.leave(self.group, self)
            self.group = None

    def hub_deliver(self, event: dict) -> None:
        try:
            self.outbox.put_nowait(event)
        except asyncio.QueueFull:
            # Far behind (a stalled network): stop queueing; it reconnects and starts again from a snapshot.
            self.hub_leave()
            asyncio.get_running_loop().create_task(self.close(code=TRY_AGAIN_LATER))

    def start_writing(self) -> None:
        """Write out what the hub queued, from now on: messages that came while the snapshot was read follow it."""
        self.writer = asyncio.get_running_loop().create_task(self._write())

    async def _write(self) -> None:
        while True:
            await self.hub_message(await self.outbox.get())

    async def hub_message(self, event: dict) -> None:
        await self.send(text_data=event["text"])

    async def disconnect(self, code):
        self.hub_leave()
        if self.writer is not None:
            self.writer.cancel()


class CenterScreenConsumer(HubSocket):
    """The calling display (public) and, via the subclasses, a zone's display and the supervisors' big screen."""

    staff_only = False

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        self.center_id = int(kwargs["center_id"])
        self.zone_id = int(kwargs["zone_id"]) if "zone_id" in kwargs else None
        allowed = await database_sync_to_async(self._allowed)()
        if allowed is None:
            await self.close(code=NOT_FOUND)
            return
        if not allowed:
            await self.close(code=FORBIDDEN)
            return
        # Marked and joined before the snapshot is read: no delta of this centre is skipped after it.
        self.marked_at = 0.0
        await self.mark_watched()
        if not await self.hub_follow(self.group_name()):
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.accept()
        await self.send(text_data=await hub.shared_snapshot(self.group, self._snapshot_text))
        self.start_writing()

    async def _snapshot_text(self) -> str:
        snapshot = await database_sync_to_async(selectors.hall_snapshot)(
            center_id=self.center_id, zone_id=self.zone_id, supervisor=self.staff_only
        )
        return await self.encode_json(snapshot)

    def group_name(self) -> str:
        return center_group(self.center_id)

    def _allowed(self) -> bool | None:
        if not Center.objects.filter(pk=self.center_id).exists():
            return None
        if self.zone_id is not None and not Zone.objects.filter(pk=self.zone_id, center_id=self.center_id).exists():
            return None
        if not self.staff_only:
            return True
        return center_access(self.scope.get("user")).sees(self.center_id)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Screens only ever send pings; anything else, malformed or binary, is ignored rather than fatal.
        try:
            content = json.loads(text_data) if text_data else None
        except ValueError:
            return
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            if time.monotonic() - self.marked_at >= presence.RENEW_SECONDS:
                await self.mark_watched()

    async def mark_watched(self):
        """This centre has a screen open: its snapshots and deltas are built (dashboards/services/presence.py)."""
        self.marked_at = time.monotonic()
        await sync_to_async(presence.mark_watched, thread_sensitive=False)(self.center_id)


class ZoneDisplayConsumer(CenterScreenConsumer):
    """The calling display of one zone: its windows' calls and its queues only."""

    def group_name(self) -> str:
        return zone_group(self.zone_id)


class SupervisorScreenConsumer(CenterScreenConsumer):
    staff_only = True

    def group_name(self) -> str:
        return supervisor_group(self.center_id)


class CitizenTicketConsumer(HubSocket):
    """A citizen's phone following one ticket (`/ws/tickets/<token>/`; the signed token is the only key).

    It follows the group of its ticket's queue and day, gets a snapshot of its ticket on connect, then relays the
    queue's messages as they are: the phone finds its own place in them. Thousands of phones may follow one queue,
    so a group message costs no database work here; only the phone whose ticket was transferred reads it again.
    """

    async def connect(self):
        self.ticket_id = citizen_ticket_id(self.scope["url_route"]["kwargs"]["token"])
        if self.ticket_id is None or not await self._follow(self.ticket_id):
            await self.close(code=NOT_FOUND)
            return
        await self.accept()
        await self.send_json(self.snapshot)
        self.start_writing()

    async def _follow(self, ticket_id: int) -> bool:
        """Follow the group of `ticket_id`'s current ticket, then read the snapshot, so no event falls in between."""
        for _attempt in range(3):
            ticket = await database_sync_to_async(citizen.current_ticket)(ticket_id)
            if ticket is None:
                return False
            # Marked before the snapshot is read: the fan-out writes this queue's messages from now on.
            await self.mark_followed(ticket.queue_id)
            if not await self.hub_follow(queue_group(ticket.queue_id, ticket.service_date)):
                return False
            ticket = await database_sync_to_async(citizen.current_ticket)(ticket.pk)
            if ticket is not None and queue_group(ticket.queue_id, ticket.service_date) == self.group:
                self.ticket_id = ticket.pk
                self.snapshot = await database_sync_to_async(citizen.ticket_snapshot)(ticket)
                return True
            # transferred to another queue while joining: follow it once more
        return False

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = json.loads(text_data) if text_data else None
        except ValueError:
            return
        # A ping is answered only while this process hears the hub: the reply counts as a message for live.js, so a
        # quiet queue is not taken for a dead connection, and its absence makes the phone reconnect.
        if isinstance(content, dict) and content.get("type") == "ping" and hub.listening():
            await self.send(text_data='{"type":"alive"}')
            if time.monotonic() - self.marked_at >= presence.RENEW_SECONDS:
                await self.mark_followed(self.queue_id)

    async def mark_followed(self, queue_id: int) -> None:
        """A phone follows this queue: the fan-out writes its messages (dashboards/services/presence.py)."""
        self.queue_id, self.marked_at = queue_id, time.monotonic()
        await sync_to_async(presence.mark_followed, thread_sensitive=False)(queue_id)

    async def hub_message(self, event: dict) -> None:
        for old_id, onward_id in event.get("moved") or ():
            if old_id == self.ticket_id:
                # This phone's ticket moved on (transfer): follow the onward ticket and start again from a snapshot.
                if await self._follow(onward_id):
                    await self.send_json(self.snapshot)
                return
        await self.send(text_data=event["text"])


class EvaluatorConsumer(HubSocket):
    """The evaluator at a window (`/ws/evaluator/`): the tablet's pairing cookie holds its device token. It gets the
    evaluator's whole state on connect and after each event of its window, and sends the citizen's review back:
    {"type": "rate", "id": <the page's own id>, "ticket", "level", "scores", "tags", "at"} → "rated" or "refused"."""

    async def connect(self):
        token = (self.scope.get("cookies") or {}).get(COOKIE_NAME)
        self.device = await database_sync_to_async(evaluator_device)(token)
        await self.accept()
        if self.device is None:
            await self._unpaired()
            return
        self.window_id = self.device.window_id
        self.marked_at = 0.0
        await self.mark_evaluating()
        if not await self.hub_follow(evaluator_group(self.window_id)):
            await self.close(code=TRY_AGAIN_LATER)
            return
        await self.send_json(await database_sync_to_async(evaluator_state)(window_id=self.window_id))
        self.start_writing()

    async def _unpaired(self):
        """Told before the socket closes, so the page can say so and offer pairing again (a refused handshake
        reaches the browser as nothing but a failed connection)."""
        await self.send_json({"type": "unpaired", "message": str(_("This evaluator is not paired or was revoked."))})
        await self.close(code=FORBIDDEN)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = json.loads(text_data) if text_data and len(text_data) <= 4096 else None
        except ValueError:
            return
        if not isinstance(content, dict) or self.device is None:
            return
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            if time.monotonic() - self.marked_at >= presence.RENEW_SECONDS:
                # A revoked token stops here too, at the latest one renewal after the revocation.
                if not await database_sync_to_async(evaluator_device_still_paired)(self.device.pk):
                    self.hub_leave()
                    await self._unpaired()
                    return
                await self.mark_evaluating()
        elif content.get("type") == "rate":
            await self.send_json(await database_sync_to_async(self._rate)(content))

    def _rate(self, content: dict) -> dict:
        reply = {"id": str(content.get("id", ""))[:64]}
        try:
            review = evaluator_rate(
                device_id=self.device.pk,
                ticket=content.get("ticket"),
                level=content.get("level"),
                scores=content.get("scores"),
                tags=content.get("tags"),
                at=content.get("at"),
            )
        except DomainError as error:
            return reply | {"type": "refused", "code": error.code, "message": str(error.message)}
        except ValidationError as error:
            return reply | {"type": "refused", "code": error.code or "invalid", "message": str(error.messages[0])}
        return reply | {"type": "rated", "review": review.pk, "bad": review.is_bad}

    async def mark_evaluating(self):
        self.marked_at = time.monotonic()
        await sync_to_async(presence.mark_evaluating, thread_sensitive=False)(self.window_id)
