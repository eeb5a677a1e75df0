"""A room's (or the shared) material library: upload slots, the content check, listing,
deleting, and finding a material a script names. Files reach S3 by presigned POST, so they
never pass through Lambda; the check then reads the upload from S3.

Objects: ``materials/rooms/<room>/<id>/source`` (``materials/shared/<id>/source``) and the
render host's prepared copies under the same ``<id>/`` prefix, so deleting a material deletes
them all."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from livehost.errors import LiveHostError
from livehost.materials.model import (
    RULES,
    Material,
    MaterialKind,
    material_prefix,
    new_material_id,
    source_key,
)
from livehost.materials.probe import MaterialRefused, check_file
from livehost.models import Model
from livehost.protocol import MaterialRef
from livehost.store import RoomStore

UPLOAD_EXPIRES_S = 900


class MaterialNotFound(LiveHostError):
    """No material with that id in the library."""


class MaterialNotUploaded(LiveHostError):
    """The material's file has not reached S3 yet (or its upload slot was used wrongly)."""


class PresignedPost(Model):
    """How to upload: POST ``url`` as multipart/form-data with ``fields`` and then ``file``."""

    url: str
    fields: dict[str, str]
    expires_in_s: int
    max_bytes: int


class UploadSlot(Model):
    material: Material
    upload: PresignedPost


class MaterialLibrary:
    """Materials of one stack: records in the table, files in ``bucket``."""

    def __init__(
        self, store: RoomStore, s3: Any, bucket: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.store, self.s3, self.bucket, self.clock = store, s3, bucket, clock

    def new_upload(self, room_id: str | None, kind: MaterialKind, name: str) -> UploadSlot:
        """A material waiting for its file, and a presigned POST that takes at most the
        kind's size limit."""
        material_id = new_material_id()
        material = Material(
            material_id=material_id,
            room_id=room_id,
            kind=kind,
            name=name,
            source_key=source_key(room_id, material_id),
            created_at=round(self.clock(), 3),
        )
        max_bytes = RULES[kind].max_bytes
        post = self.s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=material.source_key,
            Conditions=[["content-length-range", 1, max_bytes]],
            ExpiresIn=UPLOAD_EXPIRES_S,
        )
        self.store.put_material(material)
        return UploadSlot(
            material=material,
            upload=PresignedPost(
                url=post["url"],
                fields=post["fields"],
                expires_in_s=UPLOAD_EXPIRES_S,
                max_bytes=max_bytes,
            ),
        )

    def check(self, room_id: str | None, material_id: str) -> Material:
        """Check the uploaded file by its content: ready, or refused (MaterialRefused saying
        what is wrong; the file is deleted and the material keeps the reason)."""
        material = self.get(room_id, material_id)
        if material.status == "ready":
            return material
        if material.status == "rejected":
            raise MaterialRefused(f"{material.name!r} was refused: {material.reason}")
        with tempfile.TemporaryDirectory(prefix="material-") as folder:
            path = Path(folder) / "source"
            try:
                self.s3.download_file(self.bucket, material.source_key, str(path))
            except ClientError as exc:
                if _missing(exc):
                    raise MaterialNotUploaded(
                        f"material {material_id!r} has no file yet: POST it to the upload URL "
                        "first (the URL lasts 15 minutes; ask for a new one if it expired)"
                    ) from exc
                raise
            try:
                facts = check_file(material.kind, path)
            except MaterialRefused as exc:
                refused = material.model_copy(update={"status": "rejected", "reason": str(exc)})
                self.store.put_material(refused)
                self.s3.delete_object(Bucket=self.bucket, Key=material.source_key)
                raise MaterialRefused(f"{material.name!r} was refused: {exc}") from exc
        ready = material.model_copy(update={"status": "ready", "facts": facts})
        self.store.put_material(ready)
        return ready

    def get(self, room_id: str | None, material_id: str) -> Material:
        material = self.store.get_material(room_id, material_id)
        if material is None:
            library = f"room {room_id!r}" if room_id else "the shared library"
            raise MaterialNotFound(f"{library} has no material {material_id!r}")
        return material

    def materials_of(self, room_id: str | None) -> list[Material]:
        """The library's materials, oldest first."""
        return sorted(
            self.store.list_materials(room_id), key=lambda m: (m.created_at or 0, m.material_id)
        )

    def delete(self, room_id: str | None, material_id: str) -> None:
        """Delete a material, its file and its prepared copies. A show that cues it later
        shows the presenter instead and reports the cue rejected."""
        self.get(room_id, material_id)
        prefix = f"{material_prefix(room_id)}{material_id}/"
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        for item in listed.get("Contents", []):
            self.s3.delete_object(Bucket=self.bucket, Key=item["Key"])
        self.store.delete_material(room_id, material_id)

    def delete_library(self, room_id: str) -> None:
        """Delete every material of a room (the room is being deleted)."""
        for material in self.store.list_materials(room_id):
            self.delete(room_id, material.material_id)

    def image_link(self, room_id: str, material_id: str, expires_s: int) -> str:
        """A presigned GET of a ready image the room may show (for viewers' pages)."""
        material = self.find(room_id, material_id)
        if material is None or material.kind != "image" or material.status != "ready":
            raise MaterialNotFound(f"room {room_id!r} has no ready image {material_id!r}")
        url: str = self.s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": material.source_key},
            ExpiresIn=expires_s,
        )
        return url

    def find(self, room_id: str, material_id: str) -> Material | None:
        """The material a room's script names: the room's own, else the shared library's."""
        return self.store.get_material(room_id, material_id) or self.store.get_material(
            None, material_id
        )

    def ref(self, room_id: str, material_id: str, kind: MaterialKind) -> MaterialRef:
        """Where the render host finds a material a room's cue names. A material deleted
        since the script was saved still gets a ref (to the room's library): the render host
        finds nothing there, shows the presenter and reports the cue rejected."""
        material = self.find(room_id, material_id)
        key = material.source_key if material else source_key(room_id, material_id)
        return MaterialRef(
            material_id=material_id,
            kind=material.kind if material else kind,
            bucket=self.bucket,
            key=key,
        )


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")
