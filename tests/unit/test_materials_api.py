"""Material routes through the API's real handler against the emulator in process: a file
goes to S3 by presigned POST (never through the API), is checked by content, listed, named
by a script, linked for viewers and deleted."""

from __future__ import annotations

from typing import Any

import boto3
import requests
from material_media import clip_file, image_bytes
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
