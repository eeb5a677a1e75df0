"""Material routes through the API's real handler against the emulator in process: a file
goes to S3 by presigned POST (never through the API), is checked by content, listed, named
by a script, linked for viewers and deleted."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
import requests
from material_media import clip_file, image_bytes, music_file
from test_api_routes import Api, api  # noqa: F401  (the API fixture)

from livehost.models import Room


def upload(slot: dict[str, Any], content: bytes) -> int:
    """POST the file as a browser form would, to the presigned URL."""
    post = slot["upload"]
    reply = requests.post(post["url"], data=post["fields"], files={"file": content}, timeout=10)
    return reply.status_code


def objects(prefix: str) -> list[str]:
    listed = boto3.client("s3", region_name="us-east-1").list_objects_v2(
        Bucket="assets", Prefix=prefix
    )
    return [item["Key"] for item in listed.get("Contents", [])]


def new_room(api: Api, room_id: str = "shop-1") -> None:  # noqa: F811
    api.store.create_room(Room(room_id=room_id, name="Shop"))


def test_an_image_goes_up_by_presigned_post_and_is_checked_ready(api: Api) -> None:  # noqa: F811
    # Given a room
    new_room(api)
    # When an image material is started, its file POSTed to S3 and the upload checked
    status, slot = api.call(
        "POST", "/rooms/{roomId}/materials", {"kind": "image", "name": "Mug"}, roomId="shop-1"
    )
    material_id = slot["material"]["materialId"]
    posted = upload(slot, image_bytes("PNG", (320, 200)))
    checked = api.call(
        "POST",
        "/rooms/{roomId}/materials/{materialId}/check",
        roomId="shop-1",
        materialId=material_id,
    )
    listed = api.call("GET", "/rooms/{roomId}/materials", roomId="shop-1")
    # Then the slot allows the kind's size and nothing else, and the material is ready
    assert status == 201
    assert slot["material"]["status"] == "uploading"
    assert slot["upload"]["maxBytes"] == 10 * 1024 * 1024
    assert slot["upload"]["fields"]["key"] == f"materials/rooms/shop-1/{material_id}/source"
    assert posted == 204
    assert checked[0] == 200
    assert (checked[1]["status"], checked[1]["facts"]["format"]) == ("ready", "png")
    assert (checked[1]["facts"]["width"], checked[1]["facts"]["height"]) == (320, 200)
    assert [m["materialId"] for m in listed[1]["materials"]] == [material_id]


def test_a_damaged_upload_is_refused_saying_what_is_wrong(api: Api, tmp_path: Any) -> None:  # noqa: F811
    # Given a clip material whose file is an MP4 cut in half
    new_room(api)
    whole = clip_file(tmp_path / "clip.mp4").read_bytes()
    _, slot = api.call(
        "POST", "/rooms/{roomId}/materials", {"kind": "clip", "name": "Demo"}, roomId="shop-1"
    )
    material_id = slot["material"]["materialId"]
    upload(slot, whole[: len(whole) // 2])
    # When the upload is checked, and the material read back
    status, body = api.call(
        "POST",
        "/rooms/{roomId}/materials/{materialId}/check",
        roomId="shop-1",
        materialId=material_id,
    )
    _, stored = api.call(
        "GET", "/rooms/{roomId}/materials/{materialId}", roomId="shop-1", materialId=material_id
    )
    # Then it is a 400 saying the file is damaged, the material keeps the reason, the file is gone
    assert status == 400
    assert body["message"].startswith(
        "'Demo' was refused: the MP4 file is damaged and cannot be decoded"
    )
    assert stored["status"] == "rejected"
    assert stored["reason"].startswith("the MP4 file is damaged")
    assert objects(f"materials/rooms/shop-1/{material_id}/") == []


def test_a_check_before_the_upload_is_a_conflict(api: Api) -> None:  # noqa: F811
    # Given a material whose file was never POSTed
    new_room(api)
    _, slot = api.call(
        "POST", "/rooms/{roomId}/materials", {"kind": "music", "name": "Bed"}, roomId="shop-1"
    )
    # When it is checked
    status, body = api.call(
        "POST",
        "/rooms/{roomId}/materials/{materialId}/check",
        roomId="shop-1",
        materialId=slot["material"]["materialId"],
    )
    # Then 409 says to upload first
    assert status == 409
    assert body["message"].startswith(
        f"material {slot['material']['materialId']!r} has no file yet: POST it to the upload URL"
    )


def test_bad_material_requests_are_400(api: Api) -> None:  # noqa: F811
    # Given a room
    new_room(api)
    # When a material of an unknown kind is asked for, and one by a malformed id
    kind = api.call(
        "POST", "/rooms/{roomId}/materials", {"kind": "gif", "name": "x"}, roomId="shop-1"
    )
    bad_id = api.call(
        "GET", "/rooms/{roomId}/materials/{materialId}", roomId="shop-1", materialId="x"
    )
    missing = api.call(
        "GET",
        "/rooms/{roomId}/materials/{materialId}",
        roomId="shop-1",
        materialId="mat-000000000000",
    )
    # Then each says what is wrong
    assert kind[0] == 400
    assert kind[1]["errors"] == ["body.kind: Input should be 'image', 'clip' or 'music'"]
    assert bad_id[0] == 400
    assert missing == (404, {"message": "room 'shop-1' has no material 'mat-000000000000'"})


def test_a_shared_image_on_a_product_card_then_deleted(api: Api) -> None:  # noqa: F811
    # Given a ready image in the shared library
    new_room(api)
    _, slot = api.call("POST", "/materials", {"kind": "image", "name": "Mug"})
    material_id = slot["material"]["materialId"]
    upload(slot, image_bytes("JPEG"))
    api.call("POST", "/materials/{materialId}/check", materialId=material_id)
    script = {
        "segments": [{"segmentId": "s1", "text": "Our mug.", "productId": "mug"}],
        "products": [{"productId": "mug", "name": "Mug", "image": material_id}],
    }
    # When a room's script puts it on a product card, and a viewer asks for its link
    saved = api.call("PUT", "/rooms/{roomId}/script", script, roomId="shop-1")
    link = api.call(
        "GET",
        "/rooms/{roomId}/materials/{materialId}/image",
        roomId="shop-1",
        materialId=material_id,
    )
    # ... and then it is deleted, and the script saved again
    deleted = api.call("DELETE", "/materials/{materialId}", materialId=material_id)
    again = api.call("PUT", "/rooms/{roomId}/script", script, roomId="shop-1")
    # Then the script took it, the link points at the file, and after the delete the file is
    # gone and the script is refused naming the product
    assert saved[0] == 200
    assert link[0] == 200
    assert f"materials/shared/{material_id}/source" in link[1]["url"]
    assert link[1]["expiresInS"] == 3600
    assert deleted == (204, None)
    assert objects(f"materials/shared/{material_id}/") == []
    assert again[0] == 400
    assert again[1]["errors"] == [
        f"products.0 ('mug').image: no material {material_id!r} in the room's or the shared library"
    ]


def test_a_script_may_not_show_music_on_a_card(api: Api, tmp_path: Any) -> None:  # noqa: F811
    # Given a room with a clip material still uploading
    new_room(api)
    _, slot = api.call(
        "POST", "/rooms/{roomId}/materials", {"kind": "clip", "name": "Demo"}, roomId="shop-1"
    )
    material_id = slot["material"]["materialId"]
    script = {
        "segments": [{"segmentId": "s1", "text": "Hi.", "productId": "mug"}],
        "products": [{"productId": "mug", "name": "Mug", "image": material_id}],
    }
    # When a product card names it as its image
    status, body = api.call("PUT", "/rooms/{roomId}/script", script, roomId="shop-1")
    # Then 400 says a clip is not an image
    assert status == 400
    assert body["errors"] == [
        f"products.0 ('mug').image: material {material_id!r} is a clip; an image is needed"
    ]


def ready(api: Api, kind: str, content: bytes) -> str:  # noqa: F811
    """A shared material of ``kind``, uploaded and checked."""
    _, slot = api.call("POST", "/materials", {"kind": kind, "name": kind})
    upload(slot, content)
    status, body = api.call(
        "POST", "/materials/{materialId}/check", materialId=slot["material"]["materialId"]
    )
    assert status == 200, body
    return str(body["materialId"])


def test_an_operator_puts_a_clip_and_music_on_air(api: Api, tmp_path: Any) -> None:  # noqa: F811
    # Given a live room, a ready clip and a ready music bed
    api.live("live")
    clip = ready(api, "clip", clip_file(tmp_path / "c.mp4").read_bytes())
    bed = ready(api, "music", music_file(tmp_path / "b.mp3").read_bytes())
    # When the operator shows the clip beside the presenter and starts the bed
    stage = {
        "visual": {"material": clip, "layout": "pip", "clipAudio": "muted"},
        "music": {"action": "start", "material": bed, "volumeDb": -6},
        "banner": {"text": "Sale ends soon", "countdownTo": 1_900_000_000},
    }
    status, _ = api.call("PUT", "/rooms/{roomId}/stage", stage, roomId="live")
    # Then the render host gets the stage change with where to find both materials
    assert status == 202
    (command,) = api.commands()
    assert command.type == "SetStage"
    assert command.stage.wire() == stage
    assert [(r.material_id, r.kind, r.key) for r in command.materials] == [
        (clip, "clip", f"materials/shared/{clip}/source"),
        (bed, "music", f"materials/shared/{bed}/source"),
    ]


def test_a_stage_or_script_naming_the_wrong_material_is_400(api: Api, tmp_path: Any) -> None:  # noqa: F811
    # Given a live room and a ready music bed
    api.live("live")
    bed = ready(api, "music", music_file(tmp_path / "b.mp3").read_bytes())
    # When the operator shows the bed as a visual, and a script cues it as one
    stage = api.call("PUT", "/rooms/{roomId}/stage", {"visual": {"material": bed}}, roomId="live")
    api.store.create_room(Room(room_id="shop-2", name="S"))
    script = {"segments": [{"segmentId": "s1", "text": "Hi.", "visual": {"material": bed}}]}
    saved = api.call("PUT", "/rooms/{roomId}/script", script, roomId="shop-2")
    # Then both are refused naming where and why, and nothing is sent
    assert stage == (
        400,
        {
            "message": f"visual: material {bed!r} is a music; a clip or an image is needed",
            "errors": [f"visual: material {bed!r} is a music; a clip or an image is needed"],
        },
    )
    assert saved[0] == 400
    assert saved[1]["errors"] == [
        f"segments.0 ('s1').visual: material {bed!r} is a music; a clip or an image is needed"
    ]
    assert api.commands() == []


def test_music_cues_must_say_what_to_play() -> None:
    # When a music cue starts nothing, or stops something
    # Then each is refused saying what a music cue needs
    from pydantic import ValidationError

    from livehost.models import MusicCue

    for bad in ({"action": "start"}, {"action": "stop", "material": "mat-000000000000"}):
        with pytest.raises(ValidationError) as refused:
            MusicCue.model_validate(bad)
        assert "'start' and 'change' name a material; 'stop' names none" in str(refused.value)


def test_deleting_a_room_deletes_its_materials(api: Api) -> None:  # noqa: F811
    # Given a room with a ready image of its own, and a shared image
    new_room(api)
    _, slot = api.call(
        "POST", "/rooms/{roomId}/materials", {"kind": "image", "name": "Mug"}, roomId="shop-1"
    )
    upload(slot, image_bytes("PNG"))
    shared = ready(api, "image", image_bytes("PNG"))
    # When the room is deleted
    status, _ = api.call("DELETE", "/rooms/{roomId}", roomId="shop-1")
    # Then its material and file are gone, and the shared one stays
    assert status == 204
    assert objects("materials/rooms/shop-1/") == []
    assert api.store.list_materials("shop-1") == []
    assert [m.material_id for m in api.store.list_materials(None)] == [shared]
