"""The operator console and the viewer page in a real headless Chromium, against the local
cloud: a show run from the browser, watched and asked from another page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from conftest import Operator
from playwright.sync_api import Browser, Page, expect
from pool_tokens import expired_copy, forged_copy

from local.cloud import LocalCloud
from local.playback import HLS_DELAY_S

ROOM = "browser-show"
SEGMENTS = [
    "Hello and welcome to the Aurora spring show. I am your host for the next few minutes.",
    "We will look at one product today, and I will answer your questions as we go along.",
    "Here are the Aurora Buds Pro. They cancel noise on trains and planes, and the case "
    "charges them for thirty hours.",
]
KNOWLEDGE_CSV = (
    "entryId,title,text,productId,tags\n"
    'buds-water,Water resistance,"The Aurora Buds Pro are rated IPX4: sweat and rain are fine, '
    'swimming is not.",aurora-buds,water;rain\n'
)
FRAME_BRIGHTNESS = """() => {
  const video = document.querySelector("video");
  const canvas = document.createElement("canvas");
  canvas.width = 160; canvas.height = 90;
  const g = canvas.getContext("2d");
  g.drawImage(video, 0, 0, 160, 90);
  const d = g.getImageData(0, 0, 160, 90).data;
  let sum = 0;
  for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2];
  return sum / (d.length / 4) / 3;
}"""


CONTROLS = """() => [...document.querySelectorAll('button, input, select, textarea, a[href]')]
  .filter((el) => el.offsetParent !== null && !el.disabled && el.tabIndex >= 0)"""
UNLABELLED = (
    CONTROLS
    + """.filter((el) => {
    const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
    const name = label || el.getAttribute("aria-label") || (el.matches("button, a") ? el.textContent : "");
    return !name.trim();
  }).map((el) => el.outerHTML.slice(0, 100))"""
)


def assert_usable(page: Page, width: int) -> None:
    """Every visible control has a name and is reached with the Tab key, and nothing is wider
    than the window."""
    assert page.evaluate(UNLABELLED) == []
    names = page.evaluate(
        "(controls) => controls.map((el, i) => { el.dataset.tabCheck = i; return el.outerHTML.slice(0, 120); })",
        page.evaluate_handle(CONTROLS),
    )
    page.evaluate("() => document.querySelector('[data-tab-check=\"0\"]').focus()")
    reached = {"0"}
    for _ in range(2 * len(names) + 10):  # the video and scrolling lists take a stop each too
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => document.activeElement.dataset.tabCheck ?? ''"))
        if len(reached - {""}) == len(names):
            break
    assert [n for i, n in enumerate(names) if str(i) not in reached] == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def fill_room(page: Page, room_id: str, segments: list[str]) -> None:
    """Type a room and a script of ``segments`` into the new-room form (one product, on the
    last segment)."""
    page.goto(page.url.split("#")[0] + "#/new")
    page.get_by_label("Room id").fill(room_id)
    page.get_by_label("Name", exact=True).fill("Aurora spring show")
    page.get_by_label("Loop", exact=True).select_option("forever")
    for _ in segments[1:]:
        page.get_by_role("button", name="Add segment").click()
    page.get_by_role("button", name="Add product").click()
    product = page.locator("[data-path='products'] .list-row").first
    product.get_by_label("Product id").fill("aurora-buds")
    product.get_by_label("Name").fill("Aurora Buds Pro")
    product.get_by_label("Price").fill("$129")
    product.get_by_label("Tagline").fill("Noise cancelling, 30 hour battery")
    for i, text in enumerate(segments):
        segment = page.locator(f"[data-path='segments.{i}']")
        segment.get_by_label("Speech").fill(text)
    last = page.locator(f"[data-path='segments.{len(segments) - 1}']")
    last.get_by_label("Product").focus()
    last.get_by_label("Product").select_option("aurora-buds")
    last.get_by_label("Expression").select_option("smile")


def add_knowledge(page: Page, tmp_path: Path) -> None:
    """One entry typed in, one imported from a CSV file."""
    page.get_by_role("button", name="Add entry").click()
    entry = page.locator("[data-path='knowledge'] .list-row").first
    entry.get_by_label("Entry id").fill("buds-battery")
    entry.get_by_label("Title").fill("Battery life")
    entry.get_by_label("Text").fill(
        "The Aurora Buds Pro play for eight hours on one charge, thirty hours with the case."
    )
    entry.get_by_label("Product id").fill("aurora-buds")
    csv = tmp_path / "knowledge.csv"
    csv.write_text(KNOWLEDGE_CSV)
    page.get_by_label("Import from a JSON or CSV file").set_input_files(csv)
    expect(page.get_by_text("1 entries read from knowledge.csv")).to_be_visible()


def room_api(cloud: LocalCloud, operator: Operator, path: str) -> Any:
    import urllib.request

    request = urllib.request.Request(
        f"{cloud.api.url}/v1/rooms/{ROOM}{path}",
        headers={"authorization": f"Bearer {operator.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_a_show_run_from_the_console_watched_and_asked_from_the_viewer_page(
    cloud: LocalCloud,
    browser: Browser,
    page: Page,
    operator: Operator,
    screenshots: Path,
    tmp_path: Path,
) -> None:
    # Given an operator signed in on the console
    operator.sign_in(page)
    # When they create a room from nothing: three segments, one product, two knowledge entries
    fill_room(page, ROOM, SEGMENTS)
    add_knowledge(page, tmp_path)
    page.get_by_role("button", name="Create room").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    script = room_api(cloud, operator, "/script")
    assert [s["text"] for s in script["segments"]] == SEGMENTS
    assert [s.get("productId") for s in script["segments"]] == [None, None, "aurora-buds"]
    assert sorted(k["entryId"] for k in room_api(cloud, operator, "/knowledge")) == [
        "buds-battery",
        "buds-water",
    ]
    # And start it from its run control
    page.get_by_role("link", name="Go to the room's run control").click()
    page.get_by_role("button", name="Start").click()
    # Then it goes LIVE and the player plays the room's stream
    expect(page.locator("#phase")).to_have_text("LIVE", timeout=120_000)
    video = page.locator("video")
    page.wait_for_function("() => document.querySelector('video').currentTime > 1", timeout=60_000)
    before = video.evaluate("v => v.currentTime")
    page.wait_for_function(
        "t0 => document.querySelector('video').currentTime > t0 + 1.5", arg=before, timeout=20_000
    )
    assert page.evaluate(FRAME_BRIGHTNESS) > 20  # the presenter's frame, not black
    # And the run view links the run's execution graph (locally: the local cloud draws it)
    arn = room_api(cloud, operator, "")["executionArn"]
    assert arn.startswith("arn:aws:states:us-east-1:123456789012:execution:")
    link = page.get_by_role("link", name="Run 1's execution graph")
    expect(link).to_have_attribute("href", f"/executions/{arn}")
    graph = page.request.get(f"{cloud.api.url}/executions/{arn}")
    assert (graph.status, graph.headers["content-type"]) == (200, "text/html")
    assert arn in graph.text()

    # When a viewer opens the room's page on a phone and asks a question
    viewer_context = browser.new_context(viewport={"width": 375, "height": 812})
    viewer = viewer_context.new_page()
    viewer.set_default_timeout(15_000)
    viewer.goto(f"{cloud.api.url}/viewer/?room={ROOM}")
    viewer.get_by_label("Your question").fill("How long does the battery last?")
    viewer.get_by_role("button", name="Ask").click()
    expect(viewer.locator("#question-status")).to_have_text(
        "Sent: the host will answer on air.", timeout=30_000
    )
    # Then the console's timeline shows it answered
    expect(page.locator(".questions .outcome")).to_have_text("answered", timeout=90_000)
    expect(page.locator(".timeline [data-kind='answer_finished']")).to_have_count(1)
    # And the viewer's page follows the question to "answered", with the answer's text
    [answer] = [
        e["text"]
        for e in room_api(cloud, operator, "/timeline")["entries"]
        if e["kind"] == "answer_finished"
    ]
    status = viewer.locator("#asked .question-status")
    expect(status).to_have_attribute("data-status", "answered", timeout=30_000)
    expect(status).to_have_text(f"answered: {answer}")

    # And the viewer page shows the product card within 0.5 s (stream time) of its segment
    expect(viewer.locator("#card")).to_be_visible(timeout=90_000)
    expect(viewer.locator("#card-name")).to_have_text("Aurora Buds Pro")
    shown = viewer.evaluate("() => window.livehostViewer.cards[0]")
    print(f"product card: cue at {shown['pts']:.3f} s, shown at {shown['shownAtPts']:.3f} s")
    starts = [
        e["streamMs"] / 1000 + HLS_DELAY_S
        for e in room_api(cloud, operator, "/timeline")["entries"]
        if e["kind"] == "segment_started" and e["ref"] == "segment-3"
    ]
    nearest = min(starts, key=lambda pts: abs(pts - shown["shownAtPts"]))
    print(f"product card: its segment started at {nearest:.3f} s (stream time)")
    assert abs(shown["shownAtPts"] - nearest) <= 0.5, (shown, starts)
    viewer.screenshot(path=str(screenshots / "viewer-phone.png"))
    assert_usable(viewer, 375)
    viewer.set_viewport_size({"width": 1440, "height": 900})
    viewer.screenshot(path=str(screenshots / "viewer-desktop.png"))
    assert_usable(viewer, 1440)
    page.screenshot(path=str(screenshots / "console-live.png"), full_page=True)
    assert_usable(page, 1440)

    # When the operator pauses and resumes the script
    # (each is on the timeline twice: asked for, then applied at a sentence's end)
    page.get_by_role("button", name="Pause script").click()
    expect(page.locator(".timeline [data-kind='pause'][data-requested]")).to_have_count(
        1, timeout=15_000
    )
    applied = ".timeline [data-kind='{}']:not([data-requested])"
    expect(page.locator(applied.format("pause"))).to_have_count(1, timeout=30_000)
    expect(page.locator(applied.format("pause"))).to_contain_text("paused")
    page.get_by_role("button", name="Resume script").click()
    expect(page.locator(".timeline [data-kind='resume'][data-requested]")).to_have_count(
        1, timeout=15_000
    )
    expect(page.locator(applied.format("resume"))).to_have_count(1, timeout=30_000)
    # And stops the show now
    page.get_by_role("button", name="Stop now").click()
    # Then the room ENDS and the viewer page says so
    expect(page.locator("#phase")).to_have_text("ENDED", timeout=90_000)
    expect(viewer.locator("#state")).to_have_text("The show has ended.", timeout=30_000)
    viewer_context.close()


def test_a_bad_script_shows_the_apis_message_next_to_its_field(
    page: Page, operator: Operator, screenshots: Path
) -> None:
    # Given an operator writing a room whose second segment speaks at 500 %
    operator.sign_in(page)
    fill_room(page, "browser-bad-script", SEGMENTS[:2])
    second = page.locator("[data-path='segments.1']")
    second.get_by_label("Rate %").fill("500")
    # When they save it
    page.get_by_role("button", name="Create room").click()
    # Then the API's message stands next to that field, and the field is marked invalid
    rate = page.locator("[data-path='segments.1.rate']")
    expect(rate.locator(".field-error")).to_have_text("Input should be less than or equal to 200")
    expect(rate.locator("input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-path='segments.0.rate'] .field-error")).to_have_text("")
    page.screenshot(path=str(screenshots / "console-bad-script.png"), full_page=True)
    assert_usable(page, 1440)
    # And the form works on a phone too
    page.set_viewport_size({"width": 375, "height": 812})
    assert_usable(page, 375)


def test_an_expired_session_returns_to_sign_in(page: Page, operator: Operator) -> None:
    # Given a signed-in operator on the rooms page
    operator.sign_in(page)
    session = json.loads(page.evaluate("() => sessionStorage.getItem('livehost.session')"))

    def replace_token(token: str) -> None:
        page.evaluate(
            "t => sessionStorage.setItem('livehost.session', t)",
            json.dumps({**session, "token": token}),
        )

    # When the token in the session expires
    replace_token(expired_copy(session["token"]))
    page.get_by_role("link", name="New room").click()
    # Then the console is back at the sign-in page and says why
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Your session expired. Sign in again.")).to_be_visible()
    # And when the gateway refuses a token the page still trusts (a forged one)
    operator.sign_in(page)
    replace_token(forged_copy(session["token"]))
    # Then the next API call ends the session the same way
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Your session expired. Sign in again.")).to_be_visible()


def test_a_failed_run_says_why_in_words(
    cloud: LocalCloud, page: Page, operator: Operator, screenshots: Path
) -> None:
    # Given a room, and IVS refusing new channels (its quota is used up)
    operator.sign_in(page)
    fill_room(page, "browser-no-channel", SEGMENTS[:1])
    page.get_by_role("button", name="Create room").click()
    page.get_by_role("link", name="Go to the room's run control").click()
    cloud.ivs.fail_create_channel = "channel quota exceeded"
    try:
        # When the operator starts it
        page.get_by_role("button", name="Start").click()
        # Then the room fails, and the console says what failed in words, with the cause
        expect(page.locator("#phase")).to_have_text("FAILED", timeout=90_000)
    finally:
        cloud.ivs.fail_create_channel = None
    error = page.locator(".error-box")
    expect(error).to_contain_text(
        "The run failed: IVS refused to create or start the room's channel."
    )
    expect(page.get_by_role("button", name="Start")).to_be_enabled()
    # And links the failed run's execution graph, which shows where it failed
    href = page.evaluate("() => document.querySelector('#execution-graph').getAttribute('href')")
    assert href.startswith("/executions/arn:aws:states:us-east-1:123456789012:execution:")
    graph = page.request.get(cloud.api.url + href)
    assert graph.status == 200 and "ChannelFailed" in graph.text()
    page.screenshot(path=str(screenshots / "console-failed.png"))


def test_a_segment_is_heard_before_going_live_and_bad_ssml_is_named_at_its_field(
    page: Page, operator: Operator, screenshots: Path
) -> None:
    # Given a saved room with one segment
    operator.sign_in(page)
    fill_room(page, "browser-preview", SEGMENTS[:1])
    page.get_by_role("button", name="Create room").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    segment = page.locator("[data-path='segments.0']")
    # When the operator previews the segment
    segment.get_by_role("button", name="Preview segment 1").click()
    # Then its speech plays in the page: audio of non-zero duration, with its marks
    audio = segment.locator("audio")
    page.wait_for_function(
        "a => a.duration > 1 && a.currentTime > 0.3", arg=audio.element_handle(), timeout=30_000
    )
    assert int(audio.get_attribute("data-marks") or 0) > 20
    expect(segment.locator(".preview-box .status")).to_have_text(
        re.compile(r"^\d+\.\d s · 17 words · \d+ visemes \(espeak\)$")
    )
    duration = audio.evaluate("a => a.duration")
    print(f"preview: {duration:.2f} s of audio")
    page.screenshot(path=str(screenshots / "console-preview.png"))
    # When the segment is SSML the engine refuses, and is previewed
    segment.get_by_label("Kind").select_option("ssml")
    segment.get_by_label("Speech").fill("<speak>Hello <break time='1s'></speak>")
    segment.get_by_role("button", name="Preview segment 1").click()
    # Then the API's message stands next to the speech field, which is marked invalid
    speech = page.locator("[data-path='segments.0.ssml']")
    expect(speech.locator(".field-error")).to_have_text(
        "SSML line 1, column 33: not well-formed XML: mismatched tag"
    )
    expect(speech.locator("textarea")).to_have_attribute("aria-invalid", "true")
