"""Materials in a live room of the local cloud: a product's image goes up by presigned POST,
is checked, drawn on the card by the render host (prepared once, kept in S3) and reaches
viewers as a reference in the timed metadata; a material deleted while the show runs leaves
the presenter on screen, a rejected cue in the timeline, and the show goes on."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from roomdriver import Rooms, short_script

from livehost.materials.library import MaterialLibrary
from livehost.models import Product, Script

pytestmark = pytest.mark.integration


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 60, 40)).save(out, format="PNG")
    return out.getvalue()


def ready_image(rooms: Rooms, room_id: str | None) -> tuple[MaterialLibrary, str]:
    """An image material uploaded as a browser would and checked."""
    s3 = rooms.cloud.client("s3")
    library = MaterialLibrary(rooms.store, s3, rooms.cloud.outputs["AssetsBucketName"])
    slot = library.new_upload(room_id, "image", "Mug")
    posted = requests.post(
        slot.upload.url, data=slot.upload.fields, files={"file": _png()}, timeout=10
    )
    assert posted.status_code == 204
    material = library.check(room_id, slot.material.material_id)
    assert material.status == "ready"
    return library, material.material_id


def script_showing(material_id: str, count: int = 3) -> Script:
    script = short_script(
        count, products=[Product(product_id="mug", name="Mug", image=material_id)]
    )
    script.segments[-1].product_id = "mug"
    return script


def cards(rooms: Rooms, room_id: str) -> list[dict[str, Any]]:
    channel = rooms.store.get_room(room_id).channel
    assert channel is not None
    return [
        json.loads(m["metadata"])
        for m in rooms.cloud.ivs.metadata
        if m["channelArn"] == channel.channel_arn
    ]


def test_a_product_image_is_on_the_card_and_reaches_viewers_as_a_reference(rooms: Rooms) -> None:
    # Given a shared image named by the last segment's product
    library, material_id = ready_image(rooms, None)
    rooms.create("mug-card", script=script_showing(material_id, 2))
    # When the room plays its show
    result = rooms.wait(rooms.start("mug-card"))
    # Then the show ends well, with no cue rejected
    assert result["status"] == "SUCCEEDED"
    timeline = rooms.store.timeline("mug-card", 1)
    assert [e.text for e in timeline if e.kind == "rejected"] == []
    # ... the card went to viewers with the image's id, not the image
    sent = cards(rooms, "mug-card")
    assert sent == [{"type": "product", "productId": "mug", "name": "Mug", "image": material_id}]
    # ... and the render host prepared the image once for 720p, beside the upload
    prepared = library.s3.list_objects_v2(
        Bucket=library.bucket, Prefix=f"materials/shared/{material_id}/prepared/"
    )
    assert [o["Key"].rsplit("/", 1)[-1] for o in prepared.get("Contents", [])] == [
        "v1-image-1280x720.png"
    ]


def test_a_material_deleted_while_the_show_runs_shows_the_presenter(rooms: Rooms) -> None:
    # Given a live room whose fifth and last segment shows a room image on its card (beyond
    # the segments sent ahead with the first: livehost.show.LOOK_AHEAD)
    library, material_id = ready_image(rooms, "mug-gone")
    rooms.create("mug-gone", script=script_showing(material_id, 5))
    execution = rooms.start("mug-gone")
    # When the image is deleted while the first segment plays
    deadline = time.time() + 60
    while time.time() < deadline and not any(
        e.kind == "segment_started" for e in rooms.store.timeline("mug-gone", 1)
    ):
        time.sleep(0.2)
    library.delete("mug-gone", material_id)
    result = rooms.wait(execution)
    # Then the cue is reported rejected, saying why, and every segment still played
    assert result["status"] == "SUCCEEDED"
    timeline = rooms.store.timeline("mug-gone", 1)
    rejected = [(e.text, e.ref) for e in timeline if e.kind == "rejected"]
    assert rejected == [
        (
            f"cue of segment 's5': material {material_id!r} is gone (deleted?); the presenter "
            "is shown instead",
            "mug-gone-r1-l0-i4",
        )
    ]
    finished = [e.ref for e in timeline if e.kind == "segment_finished"]
    assert finished == ["s1", "s2", "s3", "s4", "s5"]
