"""The site the local gateway serves (and publish uploads), and the local IVS playback: HLS
without the stream key, cues placed on the stream clock."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import boto3
from moto import mock_aws

from local.ingest import _last_tag_ms
from local.playback import HLS_DELAY_S, LocalPlayback
from local.website import StaticSite, publish, site_config

CONFIG = site_config(
    region="us-east-1", user_pool_id="pool-1", client_id="client-1", viewer_api_key="key-1"
)


def make_site(tmp_path: Path) -> Path:
    for name, text in {
        "console/index.html": "<h1>console</h1>",
        "viewer/viewer.js": "export {};",
        "shared/base.css": "body{}",
        "node_modules/hls.js/dist/hls.mjs": "export default class Hls {}",
        "secret.txt": "not served",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_the_site_serves_pages_vendor_files_and_its_config(tmp_path: Path) -> None:
    # Given a site over a web/ folder
    site = StaticSite(CONFIG, make_site(tmp_path))
    # When pages, the vendor module, the config and other paths are asked for
    # Then pages and vendor files come with their types, the root goes to the console, the
    # config is the generated one, nothing outside the page folders leaks, API paths pass
    assert site.get("/") == (302, {"Location": "/console/"}, b"")
    assert site.get("/console/")[0::2] == (200, b"<h1>console</h1>")
    assert site.get("/viewer/viewer.js")[1]["Content-Type"] == "text/javascript"
    assert site.get("/vendor/hls.mjs")[2] == b"export default class Hls {}"
    assert json.loads(site.get("/config.json")[2])["cognito"] == {
        "endpoint": "https://cognito-idp.us-east-1.amazonaws.com/",
        "userPoolId": "pool-1",
        "clientId": "client-1",
    }
    assert site.get("/console/../secret.txt")[0] == 404
    assert site.get("/vendor/other.js")[0] == 404
    assert site.get("/secret.txt") is None
    assert site.get("/rooms/a") is None


@mock_aws
def test_publish_uploads_the_site_and_a_config_for_the_stack(tmp_path: Path) -> None:
    # Given a stack's web bucket and viewer key
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="web-1")
    apigateway = boto3.client("apigateway", region_name="us-east-1")
    key = apigateway.create_api_key(name="viewers", value="v" * 30, enabled=True)
    outputs = {
        "WebBucketName": "web-1",
        "ViewerApiKeyId": key["id"],
        "UserPoolId": "pool-1",
        "UserPoolClientId": "client-1",
    }
    # When the site is published
    written = publish(
        outputs, region="us-east-1", s3=s3, apigateway=apigateway, root=make_site(tmp_path)
    )
    # Then every page file, the vendor module and the config are in the bucket
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="web-1")["Contents"])
    assert (
        keys
        == sorted(written)
        == [
            "config.json",
            "console/index.html",
            "shared/base.css",
            "vendor/hls.mjs",
            "viewer/viewer.js",
        ]
    )
    config = json.loads(s3.get_object(Bucket="web-1", Key="config.json")["Body"].read())
    assert (config["apiBase"], config["viewerApiKey"], config["cues"]) == ("/v1", "v" * 30, "id3")
    page = s3.get_object(Bucket="web-1", Key="viewer/viewer.js")
    assert page["ContentType"] == "text/javascript"


def flv(*tags: tuple[int, int, bytes]) -> bytes:
    """An FLV file of (type, timestamp ms, data) tags."""
    out = bytearray(b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00")
    for kind, ms, data in tags:
        header = bytes([kind]) + len(data).to_bytes(3, "big") + (ms & 0xFFFFFF).to_bytes(3, "big")
        header += bytes([ms >> 24]) + b"\x00\x00\x00"
        out += header + data + (len(header) + len(data)).to_bytes(4, "big")
    return bytes(out)


def test_the_ingests_position_is_its_recordings_last_tag(tmp_path: Path) -> None:
    # Given a recording whose last tag is at 20.5 s, and one cut half way through a tag
    whole = tmp_path / "whole.flv"
    whole.write_bytes(flv((9, 0, b"k" * 40), (8, 20_480, b"a" * 12), (9, 20_500, b"v" * 30)))
    half = tmp_path / "half.flv"
    half.write_bytes(whole.read_bytes()[:-10])
    # Then the first reads as 20 500 ms, the second as not known yet
    assert _last_tag_ms(whole) == 20_500
    assert _last_tag_ms(half) is None


def test_playback_hides_the_stream_key_and_places_cues_on_the_stream_clock(
    tmp_path: Path,
) -> None:
    # Given the ingest's HLS of stream key "sk-secret" at 12.25 s on its clock
    (tmp_path / "sk-secret.m3u8").write_text(
        "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:3\n#EXTINF:2.000,\nsk-secret-3.ts\n#EXTINF:2.000,\nsk-secret-4.ts\n"
    )
    (tmp_path / "sk-secret-4.ts").write_bytes(b"G" * 188)
    playback = LocalPlayback(tmp_path, lambda key: 12_250 if key == "sk-secret" else None)
    playback.start()
    try:
        url = playback.playback_url("chan1", "sk-secret")
        # When a product card is put on the channel and a player reads the channel
        playback.put_metadata("chan1", '{"type": "product"}')
        with urllib.request.urlopen(url, timeout=5) as response:
            playlist = response.read()
            kind = response.headers["Content-Type"]
    finally:
        playback.stop()
    # Then the playlist names pieces without the key, the pieces play, the cue is at the
    # ingest's position on the HLS clock, and unknown channels are 404
    assert url.endswith("/ivs/chan1/index.m3u8")
    assert kind == "application/vnd.apple.mpegurl"
    assert b"sk-secret" not in playlist and b"\n4.ts\n" in playlist
    assert playback.answer("/ivs/chan1/4.ts") == (200, "video/mp2t", b"G" * 188)
    cues = json.loads(playback.answer("/ivs/chan1/cues.json")[2])["cues"]
    assert cues == [{"pts": round(12.25 + HLS_DELAY_S, 3), "text": '{"type": "product"}'}]
    assert playback.answer("/ivs/other/index.m3u8")[0] == 404


def test_the_console_client_allows_the_flow_the_sign_in_page_uses() -> None:
    # Given the template's app client for the console (the emulator does not check its flows)
    from samtranslator.yaml_helper import yaml_parse

    root = Path(__file__).resolve().parents[2]
    template = yaml_parse((root / "template.yaml").read_text())
    client = template["Resources"]["OperatorUserPoolClient"]["Properties"]
    sign_in = (root / "web/console/auth.js").read_text()
    # Then the flow the page asks for is one the client allows, and the client has no secret
    assert 'AuthFlow: "USER_PASSWORD_AUTH"' in sign_in
    assert "ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]
    assert client["GenerateSecret"] is False
