"""Events to the room's events queue, sent from a thread of their own so the frame loop and
the command loop never wait on the network."""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from typing import Any

from livehost.protocol import Event, event_body

log = logging.getLogger("render_host.reporter")


class EventReporter:
    def __init__(self, sqs: Any, queue_url: str, room_id: str, run: int) -> None:
        self.sqs, self.queue_url, self.room_id, self.run = sqs, queue_url, room_id, run
        self._queue: queue.Queue[Event | None] = queue.Queue()
        self._thread = threading.Thread(target=self._send_all, name="event-reporter", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stamp(self) -> dict[str, Any]:
        """The fields every event carries."""
        return {
            "event_id": uuid.uuid4().hex,
            "room_id": self.room_id,
            "run": self.run,
            "at": time.time(),
        }

    def report(self, event: Event) -> None:
        self._queue.put(event)

    def close(self, timeout_s: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout_s)

    def _send_all(self) -> None:
        while (event := self._queue.get()) is not None:
            try:
                self.sqs.send_message(
                    QueueUrl=self.queue_url,
                    MessageBody=event_body(event),
                    MessageAttributes={"type": {"DataType": "String", "StringValue": event.type}},
                )
            except Exception:  # an event lost must not stop the show
                log.exception("event %s not sent", event.type)
