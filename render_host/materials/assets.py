"""Loads the materials a cue names, prepared for this stream: an image scaled to fit the
frame (never enlarged) as RGBA PNG. A prepared copy is stored beside the upload
(``<id>/prepared/<variant>``), so each material is prepared once per stream size, whichever
render host needs it first; deleting the material deletes its copies too.

Loading happens when a command arrives (a lane thread), never in the frame loop: the
renderer only reads ``picture()``, which answers from memory."""

from __future__ import annotations

import io
import logging
import threading
from collections import OrderedDict
from typing import Any

from botocore.exceptions import ClientError
from PIL import Image, UnidentifiedImageError

from livehost.protocol import MaterialRef

log = logging.getLogger(__name__)
PREPARED_VERSION = "v1"  # bump when a prepared format changes: old copies stop matching
_MISSING = ("404", "403", "NoSuchKey", "NotFound", "AccessDenied")


class MaterialUnavailable(Exception):
    """A cued material cannot be shown or played; the message says why (for the event)."""


def prepared_key(ref: MaterialRef, variant: str) -> str:
    """Where the prepared copy ``variant`` of ``ref`` lives: beside its upload."""
    folder = ref.key.rsplit("/", 1)[0]
    return f"{folder}/prepared/{PREPARED_VERSION}-{variant}"


def fit_within(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` scaled to fit ``width`` x ``height`` keeping its shape, never enlarged."""
    scale = min(width / image.width, height / image.height, 1.0)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)


class MaterialAssets:
    """The materials of this render host, prepared for a ``width`` x ``height`` stream."""

    def __init__(self, s3: Any, width: int = 1280, height: int = 720, keep: int = 32) -> None:
        self.s3 = s3
        self.width, self.height = width, height
        self._pictures: OrderedDict[str, Image.Image] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()
        self.prepared = 0  # copies this host prepared (the rest came from S3)

    def resize(self, width: int, height: int) -> None:
        """The stream's size (set when it starts); pictures are prepared again for it."""
        with self._lock:
            if (width, height) != (self.width, self.height):
                self.width, self.height = width, height
                self._pictures.clear()

    def load(self, ref: MaterialRef) -> None:
        """Make ``ref`` ready to show (MaterialUnavailable if it is gone or unreadable)."""
        if ref.kind != "image":
            raise MaterialUnavailable(f"material {ref.material_id!r} is a {ref.kind}")
        with self._lock:
            loaded = ref.material_id in self._pictures
        if loaded:  # deleted since? then it is not shown again
            if self._get(ref.bucket, ref.key, head=True) is None:
                self.forget(ref.material_id)
                raise MaterialUnavailable(f"material {ref.material_id!r} is gone (deleted?)")
            return
        picture = self._prepared_image(ref)
        with self._lock:
            self._pictures[ref.material_id] = picture
            while len(self._pictures) > self._keep:
                self._pictures.popitem(last=False)

    def forget(self, material_id: str) -> None:
        with self._lock:
            self._pictures.pop(material_id, None)

    def picture(self, material_id: str) -> Image.Image | None:
        """A loaded picture (RGBA, fitted to the frame), or None: never waits."""
        return self._pictures.get(material_id)

    def _prepared_image(self, ref: MaterialRef) -> Image.Image:
        key = prepared_key(ref, f"image-{self.width}x{self.height}.png")
        cached = self._get(ref.bucket, key)
        if cached is not None:
            return _decode(cached, ref).convert("RGBA")
        source = self._get(ref.bucket, ref.key)
        if source is None:
            raise MaterialUnavailable(f"material {ref.material_id!r} is gone (deleted?)")
        picture = fit_within(_decode(source, ref).convert("RGBA"), self.width, self.height)
        out = io.BytesIO()
        picture.save(out, format="PNG")
        try:
            self.s3.put_object(
                Bucket=ref.bucket, Key=key, Body=out.getvalue(), ContentType="image/png"
            )
        except ClientError as exc:  # the next host prepares it again; this one shows it
            log.warning("prepared copy of %s not stored: %s", ref.material_id, exc)
        self.prepared += 1
        return picture

    def _get(self, bucket: str, key: str, head: bool = False) -> bytes | None:
        """The object's bytes (``head``: b"" if it exists), or None when it is missing."""
        try:
            if head:
                self.s3.head_object(Bucket=bucket, Key=key)
                return b""
            body: bytes = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        return body


def _decode(data: bytes, ref: MaterialRef) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise MaterialUnavailable(
            f"material {ref.material_id!r} cannot be decoded as a picture"
        ) from exc
    return image
