"""A product card shows its image: prepared once per stream size (the copy kept in S3 beside
the upload), drawn into the card's picture box so the frame's pixels there match the source
scaled down; a deleted image leaves a card of text."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import boto3
import numpy as np
import pytest
from av.video.reformatter import ColorRange, Colorspace
from material_media import image_bytes
from moto import mock_aws
from PIL import Image

from livehost.models import Product
from livehost.protocol import MaterialRef
from render_host.frame import FrameState
from render_host.materials import MaterialAssets, MaterialUnavailable
from render_host.media.avatar import AvatarRenderer

KEY = "materials/rooms/shop-1/mat-0123456789ab/source"
REF = MaterialRef(material_id="mat-0123456789ab", kind="image", bucket="assets", key=KEY)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="assets")
        yield client


def rgb(frame: Any) -> np.ndarray:
    converted = frame.reformat(
        format="rgb24", src_colorspace=Colorspace.ITU709, src_color_range=ColorRange.MPEG
    )
    return converted.to_ndarray().astype(np.int16)


def test_the_card_shows_the_product_image_scaled_down(s3: Any) -> None:
    # Given a 1600x1000 photo uploaded as a material, prepared for a 720p stream
    s3.put_object(Bucket="assets", Key=KEY, Body=image_bytes("PNG", (1600, 1000)))
    assets = MaterialAssets(s3, 1280, 720)
    assets.load(REF)
    renderer = AvatarRenderer(1280, 720, ring_size=2, pictures=assets)
    product = Product(product_id="mug", name="Mug", price="$12", image=REF.material_id)
    # When a frame with the product's card is drawn
    state = FrameState(index=0, product=product)
    frame = rgb(renderer.render(state))
    x, y, w, h = renderer.product_card(state).picture_box or (0, 0, 0, 0)
    # Then the pixels in the card's picture box match the source scaled to the box
    expected = np.asarray(
        Image.open(io.BytesIO(image_bytes("PNG", (1600, 1000))))
        .convert("RGB")
        .resize((w, h), Image.Resampling.LANCZOS),
        dtype=np.int16,
    )
    shown = frame[y : y + h, x : x + w]
    assert (w, h) > (200, 100)
    assert float(np.abs(shown - expected).mean()) < 6.0
    # ... and the prepared copy (1152x720: fitted, never enlarged) is stored beside the upload
    prepared = s3.get_object(
        Bucket="assets",
        Key="materials/rooms/shop-1/mat-0123456789ab/prepared/v1-image-1280x720.png",
    )["Body"].read()
    assert Image.open(io.BytesIO(prepared)).size == (1152, 720)
    assert assets.prepared == 1


def test_a_second_host_uses_the_prepared_copy(s3: Any) -> None:
    # Given an image one host has prepared
    s3.put_object(Bucket="assets", Key=KEY, Body=image_bytes("JPEG", (640, 400)))
    MaterialAssets(s3, 1280, 720).load(REF)
    # When another host loads it
    second = MaterialAssets(s3, 1280, 720)
    second.load(REF)
    # Then it prepared nothing itself and has the picture
    assert second.prepared == 0
    assert (second.picture(REF.material_id) or Image.new("RGB", (1, 1))).size == (640, 400)


def test_a_deleted_or_damaged_image_is_unavailable_and_the_card_is_text(s3: Any) -> None:
    # Given an image loaded once and then deleted, and one that is not a picture
    s3.put_object(Bucket="assets", Key=KEY, Body=image_bytes("PNG"))
    assets = MaterialAssets(s3, 1280, 720)
    assets.load(REF)
    s3.delete_object(Bucket="assets", Key=KEY)
    broken_key = "materials/shared/mat-aaaaaaaaaaaa/source"
    s3.put_object(Bucket="assets", Key=broken_key, Body=b"\x89PNG\r\n\x1a\nnot really")
    broken = REF.model_copy(update={"material_id": "mat-aaaaaaaaaaaa", "key": broken_key})
    # When each is loaded again for a cue
    with pytest.raises(MaterialUnavailable) as gone:
        assets.load(REF)
    with pytest.raises(MaterialUnavailable) as damaged:
        assets.load(broken)
    renderer = AvatarRenderer(1280, 720, ring_size=2, pictures=assets)
    card = renderer.product_card(
        FrameState(index=0, product=Product(product_id="m", name="Mug", image=REF.material_id))
    )
    # Then each says why, and the card has no picture
    assert str(gone.value) == "material 'mat-0123456789ab' is gone (deleted?)"
    assert str(damaged.value) == ("material 'mat-aaaaaaaaaaaa' cannot be decoded as a picture")
    assert card.picture_box is None
