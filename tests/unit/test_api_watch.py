"""The viewer route GET /rooms/{roomId}/watch: what the public viewer page may know."""

from __future__ import annotations

from test_api_routes import Api, api  # noqa: F401  (the handler fixture)

from livehost.models import Channel, Phase

CHANNEL = Channel(
    channel_arn="arn:aws:ivs:us-east-1:123456789012:channel/abc",
    ingest_endpoint="ingest.example.com",
    playback_url="https://example.com/abc/index.m3u8",
    stream_key_arn="arn:aws:ivs:us-east-1:123456789012:stream-key/xyz",
)


def test_a_viewer_sees_the_playback_url_only_while_the_room_is_live(api: Api) -> None:  # noqa: F811
    # Given a live room with a channel
    api.live("shop-1")
    api.store.update_room("shop-1", channel=CHANNEL.wire())
    # When a viewer asks what to watch, live and after the show
    live = api.call("GET", "/rooms/{roomId}/watch", sub=None, roomId="shop-1")
    api.store.set_phase("shop-1", Phase.ENDED)
    ended = api.call("GET", "/rooms/{roomId}/watch", sub=None, roomId="shop-1")
    missing = api.call("GET", "/rooms/{roomId}/watch", sub=None, roomId="nowhere")
    # Then the page gets the name, the phase and the URL while live, no operator detail
    assert live == (
        200,
        {
            "roomId": "shop-1",
            "name": "Live",
            "phase": "LIVE",
            "playbackUrl": "https://example.com/abc/index.m3u8",
        },
    )
    assert ended == (
        200,
        {"roomId": "shop-1", "name": "Live", "phase": "ENDED", "playbackUrl": None},
    )
    assert missing[0] == 404
