"""Where live Q&A keeps its data in the LiveHost table: each room's screening policy and the
recent questions of a run (with their verdicts, so screening the same question twice, as an
at-least-once Express execution may, gives the same verdict).

=====================  ======================  ===========================================
pk                     sk                      what
=====================  ======================  ===========================================
``ROOM#<id>``          ``SCREENING``           the room's ScreeningPolicy (JSON body)
``ROOM#<id>#Q``        ``<run>#<ms>#<id>``     a screened question (RoomStore, with TTL)
=====================  ======================  ===========================================
"""

from __future__ import annotations

import json

from livehost.models import Model
from livehost.screening import RecentQuestion, ScreeningPolicy, Verdict
from livehost.store import RoomStore

QUESTION_TTL_S = 3600  # screening looks back minutes; an hour of questions is plenty
LOOKBACK_S = 600  # longer than any duplicate or rate-limit window a policy may set


class QuestionRecord(Model):
    """A screened question as kept for later screening."""

    question_id: str
    viewer_id: str
    text: str
    asked_at: float
    accepted: bool
    reason: str
    message: str

    def recent(self) -> RecentQuestion:
        return RecentQuestion(
            viewer_id=self.viewer_id, text=self.text, asked_at=self.asked_at, accepted=self.accepted
        )

    def verdict(self) -> Verdict:
        return Verdict.model_validate(
            self.model_dump(include={"accepted", "reason", "message", "text"})
        )


class QuestionBook:
    """A room's screening policy and recent questions, over the RoomStore's table."""

    def __init__(self, store: RoomStore) -> None:
        self.store = store

    def policy(self, room_id: str) -> ScreeningPolicy:
        """The room's policy, or the defaults when none was set."""
        item = self.store.table.get_item(Key={"pk": f"ROOM#{room_id}", "sk": "SCREENING"})
        body = item.get("Item", {}).get("body")
        return ScreeningPolicy.model_validate_json(body) if body else ScreeningPolicy()

    def set_policy(self, room_id: str, policy: ScreeningPolicy) -> None:
        """Replace the room's policy (from the next question on)."""
        self.store.table.put_item(
            Item={
                "pk": f"ROOM#{room_id}",
                "sk": "SCREENING",
                "body": json.dumps(policy.wire()),
            }
        )

    def recent(self, room_id: str, run: int, now: float) -> list[QuestionRecord]:
        """The run's questions of the last ``LOOKBACK_S`` seconds, oldest first."""
        bodies = self.store.recent_questions(room_id, run, since=now - LOOKBACK_S)
        return [QuestionRecord.model_validate(body) for body in bodies]

    def add(self, room_id: str, run: int, record: QuestionRecord) -> None:
        self.store.add_question(room_id, run, record.wire(), ttl_s=QUESTION_TTL_S)
