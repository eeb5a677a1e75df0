"""The demo's sample rooms: every folder in events/rooms is a room the API accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from livehost.answer import KnowledgeIndex
from livehost.languages import with_voices_checked
from livehost.models import KnowledgeEntry, RoomSettings, Script
from local.demo import EVENTS, SampleRoom

SAMPLES = sorted((EVENTS / "rooms").iterdir())


def test_there_is_a_mandarin_and_a_japanese_sample_room() -> None:
    assert [folder.name for folder in SAMPLES] == ["japanese-showcase", "mandarin-showcase"]


@pytest.mark.parametrize("folder", SAMPLES, ids=lambda folder: folder.name)
def test_a_sample_room_is_valid_and_its_questions_find_their_knowledge(folder: Path) -> None:
    # Given a sample room as the demo loads it
    sample = SampleRoom.load(folder)
    settings = RoomSettings.model_validate(sample.room["settings"])
    script = Script.model_validate(sample.script)
    entries = [KnowledgeEntry.model_validate(entry) for entry in sample.knowledge]
    # Then its voices speak its language on both engines
    for engine in ("polly", "espeak"):
        with_voices_checked(script, settings.language, engine)
    # And each planned question finds an entry of the room's knowledge
    index = KnowledgeIndex(entries, settings.language)
    segments = {segment.segment_id for segment in script.segments}
    for step in sample.plan:
        assert step["atSegment"] in segments
        if step["kind"] == "question":
            assert index.search(step["body"]["text"], k=1)[0].score > 1.0


def test_a_folder_that_is_not_a_sample_room_is_named_with_what_it_lacks(tmp_path: Path) -> None:
    (tmp_path / "room.json").write_text("{}")
    with pytest.raises(FileNotFoundError) as missing:
        SampleRoom.load(tmp_path)
    assert str(missing.value) == (
        f"{tmp_path} is not a sample room: it lacks script.json, knowledge.json, plan.json"
    )
