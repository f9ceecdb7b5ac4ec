"""Websockets of the hall's screens. Each sends a full snapshot on connect, then the centre's deltas."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from dashboards import selectors
from dashboards.groups import center_group
from queueing.models import Center
from queueing.permissions import may_watch_center

FORBIDDEN = 4403
NOT_FOUND = 4404


class CenterScreenConsumer(AsyncJsonWebsocketConsumer):
    """The calling display (public) and, via the subclass, the supervisors' big screen."""

    staff_only = False

    async def dispatch(self, message):
        # Group messages are relayed as they are: skip the per-message database clean-up Channels does by default.
        if message["type"] == "hall.message":
            await self.hall_message(message)
            return
        await super().dispatch(message)

    async def connect(self):
        self.center_id = int(self.scope["url_route"]["kwargs"]["center_id"])
        allowed = await database_sync_to_async(self._allowed)()
        if allowed is None:
            await self.close(code=NOT_FOUND)
            return
        if not allowed:
            await self.close(code=FORBIDDEN)
            return
        self.group = center_group(self.center_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        snapshot = await database_sync_to_async(selectors.hall_snapshot)(center_id=self.center_id)
        await self.send_json(snapshot)

    def _allowed(self) -> bool | None:
        if not Center.objects.filter(pk=self.center_id).exists():
            return None
        if not self.staff_only:
            return True
        return may_watch_center(user=self.scope.get("user"), center_id=self.center_id)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Screens only ever send pings; anything else, malformed or binary, is ignored rather than fatal.
        try:
            content = json.loads(text_data) if text_data else None
        except ValueError:
            return
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def hall_message(self, event):
        await self.send_json(event["message"])


class SupervisorScreenConsumer(CenterScreenConsumer):
    staff_only = True
