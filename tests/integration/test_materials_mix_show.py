"""A room whose script cues a picture-in-picture clip and a music bed, in the local cloud:
the real agent prepares both once (kept in S3), plays them with the show and the show ends
well with nothing rejected."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import requests
from roomdriver import Rooms, short_script

from livehost.materials.library import MaterialLibrary
from livehost.models import MusicCue, ShowVisual

pytestmark = pytest.mark.integration


def _media() -> Any:
    """The unit tests' media generator (tests/unit/material_media.py), loaded by its path."""
    path = Path(__file__).resolve().parents[1] / "unit" / "material_media.py"
    spec = importlib.util.spec_from_file_location("material_media", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ready(library: MaterialLibrary, kind: str, path: Path) -> str:
    slot = library.new_upload(None, kind, path.name)  # type: ignore[arg-type]
    posted = requests.post(
        slot.upload.url, data=slot.upload.fields, files={"file": path.read_bytes()}, timeout=10
    )
    assert posted.status_code == 204
    return library.check(None, slot.material.material_id).material_id


def test_a_pip_clip_and_a_music_bed_play_with_the_show(rooms: Rooms, tmp_path: Path) -> None:
    # Given a shared clip and bed, cued by the second segment of a room's script
    library = MaterialLibrary(
        rooms.store, rooms.cloud.client("s3"), rooms.cloud.outputs["AssetsBucketName"]
    )
    media = _media()
    clip = ready(library, "clip", media.clip_file(tmp_path / "c.mp4", seconds=2.0))
    bed = ready(library, "music", media.music_file(tmp_path / "b.mp3", seconds=3.0))
    script = short_script(3)
    script.segments[1].visual = ShowVisual(material=clip, layout="pip", clip_audio="ducked")
    script.segments[1].music = MusicCue(action="start", material=bed, volume_db=-6)
    script.segments[2].music = MusicCue(action="stop")
    rooms.create("mix-show", script=script)
    # When the room plays its show
    result = rooms.wait(rooms.start("mix-show"))
    # Then it ends well, every segment played, nothing was rejected
    assert result["status"] == "SUCCEEDED"
    timeline = rooms.store.timeline("mix-show", 1)
    assert [e.text for e in timeline if e.kind == "rejected"] == []
    assert [e.ref for e in timeline if e.kind == "segment_finished"] == ["s1", "s2", "s3"]
    # ... and each material was prepared once for 720p30, beside its upload
    for material_id, variant in ((clip, "v1-clip-pip-460x258-30.mp4"), (bed, "v1-music-48k.m4a")):
        listed = library.s3.list_objects_v2(
            Bucket=library.bucket, Prefix=f"materials/shared/{material_id}/prepared/"
        )
        assert [o["Key"].rsplit("/", 1)[-1] for o in listed.get("Contents", [])] == [variant]
