"""Loads the materials a cue names, prepared for this stream: an image scaled to fit the
frame (never enlarged) as RGBA PNG. A prepared copy is stored beside the upload
(``<id>/prepared/<variant>``), so each material is prepared once per stream size, whichever
render host needs it first; deleting the material deletes its copies too.

Loading happens when a command arrives (a lane thread), never in the frame loop: the
renderer only reads ``picture()``, which answers from memory."""

from __future__ import annotations

import io
import logging
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import av
from botocore.exceptions import ClientError
from PIL import Image, UnidentifiedImageError

from livehost.protocol import MaterialRef
from render_host.frame import FPS
from render_host.materials.layout import pip_box
from render_host.materials.prepare import prepare_clip, prepare_music
from render_host.media.avatar.yuv import Planes

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
    """The materials of this render host, prepared for a ``width`` x ``height`` stream.
    Clips and music are kept as prepared files under ``folder``."""

    def __init__(
        self,
        s3: Any,
        width: int = 1280,
        height: int = 720,
        keep: int = 32,
        folder: Path | None = None,
    ) -> None:
        self.s3 = s3
        self.width, self.height = width, height
        self.folder = folder or Path(tempfile.mkdtemp(prefix="livehost-materials-"))
        self._media: dict[tuple[str, str], Path] = {}
        self._planes: dict[tuple[str, str], Planes] = {}
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
                self._planes.clear()
                self._media.clear()

    def load(self, ref: MaterialRef, layout: str = "full") -> None:
        """Make ``ref`` ready to show or play (MaterialUnavailable if it is gone or
        unreadable); a clip for ``layout`` (full frame or picture-in-picture)."""
        if ref.kind != "image":
            self._load_media(ref, layout)
            return
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

    def planes(self, material_id: str, layout: str) -> Planes | None:
        """A loaded picture as a full frame or a picture-in-picture box (letterboxed in
        black), converted once per layout."""
        key = (material_id, layout)
        if key in self._planes:
            return self._planes[key]
        picture = self.picture(material_id)
        if picture is None:
            return None
        size = (
            (self.width, self.height) if layout == "full" else pip_box(self.width, self.height)[2:]
        )
        canvas = Image.new("RGB", size, (0, 0, 0))
        fitted = _fit_into(picture, size)  # a full-frame image fills the frame
        canvas.paste(
            fitted, ((size[0] - fitted.width) // 2, (size[1] - fitted.height) // 2), fitted
        )
        planes = Planes.from_image(canvas)
        self._planes[key] = planes
        return planes

    def media(self, material_id: str, layout: str = "full") -> Path | None:
        """A loaded clip's or bed's prepared file, or None: never waits."""
        return self._media.get((material_id, layout))

    def _load_media(self, ref: MaterialRef, layout: str) -> None:
        if ref.kind == "music":
            layout, variant = "full", "music-48k.m4a"
        else:
            box = (
                (self.width, self.height)
                if layout == "full"
                else pip_box(self.width, self.height)[2:]
            )
            variant = f"clip-{layout}-{box[0]}x{box[1]}-{FPS}.mp4"
        if self._get(ref.bucket, ref.key, head=True) is None:
            self._media.pop((ref.material_id, layout), None)
            raise MaterialUnavailable(f"material {ref.material_id!r} is gone (deleted?)")
        if (ref.material_id, layout) in self._media:
            return
        target = self.folder / f"{ref.material_id}-{variant}"
        key = prepared_key(ref, variant)
        cached = self._get(ref.bucket, key)
        if cached is not None:
            target.write_bytes(cached)
        else:
            source = self._get(ref.bucket, ref.key)
            if source is None:
                raise MaterialUnavailable(f"material {ref.material_id!r} is gone (deleted?)")
            original = self.folder / f"{ref.material_id}-source"
            original.write_bytes(source)
            try:
                if ref.kind == "music":
                    prepare_music(original, target)
                else:
                    prepare_clip(original, target, box)
            except (av.FFmpegError, IndexError, ValueError) as exc:
                raise MaterialUnavailable(
                    f"material {ref.material_id!r} cannot be decoded as a {ref.kind}"
                ) from exc
            finally:
                original.unlink(missing_ok=True)
            try:
                self.s3.put_object(Bucket=ref.bucket, Key=key, Body=target.read_bytes())
            except ClientError as exc:
                log.warning("prepared copy of %s not stored: %s", ref.material_id, exc)
            self.prepared += 1
        self._media[(ref.material_id, layout)] = target

    def forget(self, material_id: str) -> None:
        with self._lock:
            self._pictures.pop(material_id, None)
            for key in [k for k in self._planes if k[0] == material_id]:
                self._planes.pop(key, None)

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


def _fit_into(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    scale = min(size[0] / picture.width, size[1] / picture.height)
    fitted = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(fitted, Image.Resampling.LANCZOS)


def _decode(data: bytes, ref: MaterialRef) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise MaterialUnavailable(
            f"material {ref.material_id!r} cannot be decoded as a picture"
        ) from exc
    return image
