"""Material routes: upload slots (presigned POSTs), the content check, listing and deleting,
for a room's library and for the shared one; and the viewers' link to a product's picture."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from livehost.api.bodies import ImageLink, MaterialList, NewMaterial
from livehost.api.params import Deps, MaterialId, RoomId, answers
from livehost.api.questions import VIEWER_SECURITY
from livehost.materials.library import UploadSlot
from livehost.materials.model import Material

router = Router()
MATERIALS = ["materials"]
LINK_EXPIRES_S = 3600


def _created(slot: UploadSlot, location: str) -> Response[UploadSlot]:
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=slot.wire(),
        headers={"Location": location},
    )


@router.post(
    "/rooms/<roomId>/materials",
    summary="Start an upload to the room's library: a presigned POST for the file",
    operation_id="newRoomMaterial",
    tags=MATERIALS,
    status_code=201,
    responses=answers(201, "The material (uploading) and how to upload its file", 404),
)
def new_room_material(room_id: RoomId, body: NewMaterial, deps: Deps) -> Response[UploadSlot]:
    deps.store.get_room(room_id)
    slot = deps.materials.new_upload(room_id, body.kind, body.name)
    return _created(slot, f"/rooms/{room_id}/materials/{slot.material.material_id}")


@router.post(
    "/rooms/<roomId>/materials/<materialId>/check",
    summary="Check the uploaded file by its content: ready, or a 400 saying what is wrong",
    operation_id="checkRoomMaterial",
    tags=MATERIALS,
    responses=answers(200, "The material, ready", 404, 409),
)
def check_room_material(room_id: RoomId, material_id: MaterialId, deps: Deps) -> Material:
    return deps.materials.check(room_id, material_id)


@router.get(
    "/rooms/<roomId>/materials",
    summary="The room's materials",
    operation_id="listRoomMaterials",
    tags=MATERIALS,
    responses=answers(200, "Every material of the room, oldest first", 404),
)
def list_room_materials(room_id: RoomId, deps: Deps) -> MaterialList:
    deps.store.get_room(room_id)
    return MaterialList(materials=deps.materials.materials_of(room_id))


@router.get(
    "/rooms/<roomId>/materials/<materialId>",
    summary="A material of the room",
    operation_id="getRoomMaterial",
    tags=MATERIALS,
    responses=answers(200, "The material", 404),
)
def get_room_material(room_id: RoomId, material_id: MaterialId, deps: Deps) -> Material:
    return deps.materials.get(room_id, material_id)


@router.delete(
    "/rooms/<roomId>/materials/<materialId>",
    summary="Delete a material of the room (a show cueing it shows the presenter instead)",
    operation_id="deleteRoomMaterial",
    tags=MATERIALS,
    status_code=204,
    responses=answers(204, "Deleted", 404),
)
def delete_room_material(room_id: RoomId, material_id: MaterialId, deps: Deps) -> None:
    deps.materials.delete(room_id, material_id)


@router.post(
    "/materials",
    summary="Start an upload to the shared library: a presigned POST for the file",
    operation_id="newSharedMaterial",
    tags=MATERIALS,
    status_code=201,
    responses=answers(201, "The material (uploading) and how to upload its file"),
)
def new_shared_material(body: NewMaterial, deps: Deps) -> Response[UploadSlot]:
    slot = deps.materials.new_upload(None, body.kind, body.name)
    return _created(slot, f"/materials/{slot.material.material_id}")


@router.post(
    "/materials/<materialId>/check",
    summary="Check a shared upload by its content: ready, or a 400 saying what is wrong",
    operation_id="checkSharedMaterial",
    tags=MATERIALS,
    responses=answers(200, "The material, ready", 404, 409),
)
def check_shared_material(material_id: MaterialId, deps: Deps) -> Material:
    return deps.materials.check(None, material_id)


@router.get(
    "/materials",
    summary="The shared library's materials (every room may use them)",
    operation_id="listSharedMaterials",
    tags=MATERIALS,
    responses=answers(200, "Every shared material, oldest first"),
)
def list_shared_materials(deps: Deps) -> MaterialList:
    return MaterialList(materials=deps.materials.materials_of(None))


@router.get(
    "/materials/<materialId>",
    summary="A shared material",
    operation_id="getSharedMaterial",
    tags=MATERIALS,
    responses=answers(200, "The material", 404),
)
def get_shared_material(material_id: MaterialId, deps: Deps) -> Material:
    return deps.materials.get(None, material_id)


@router.delete(
    "/materials/<materialId>",
    summary="Delete a shared material (a show cueing it shows the presenter instead)",
    operation_id="deleteSharedMaterial",
    tags=MATERIALS,
    status_code=204,
    responses=answers(204, "Deleted", 404),
)
def delete_shared_material(material_id: MaterialId, deps: Deps) -> None:
    deps.materials.delete(None, material_id)


@router.get(
    "/rooms/<roomId>/materials/<materialId>/image",
    summary="A link to a ready image the room may show (a product card's picture), for viewers",
    operation_id="materialImage",
    tags=MATERIALS,
    security=VIEWER_SECURITY,
    responses=answers(200, "A short-lived link to the picture", 404),
)
def material_image(room_id: RoomId, material_id: MaterialId, deps: Deps) -> ImageLink:
    url = deps.materials.image_link(room_id, material_id, LINK_EXPIRES_S)
    return ImageLink(material_id=material_id, url=url, expires_in_s=LINK_EXPIRES_S)
