"""Avatar motion: blinks every 3-5 s lasting 150 ms, gestures that start and end at rest."""

from __future__ import annotations

import itertools

from render_host.frame import FPS
from render_host.media.avatar.motion import ANGLE_STEP, lid_state, pose


def blink_runs(frames: int) -> list[tuple[int, list[str]]]:
    """(first frame, lid states) of each blink in the first ``frames`` frames."""
    runs: list[tuple[int, list[str]]] = []
    previous = "open"
    for i in range(frames):
        lid = lid_state(i)
        if lid != "open":
            if previous == "open":
                runs.append((i, []))
            runs[-1][1].append(lid)
        previous = lid
    return runs


def test_blinks_come_every_3_to_5_seconds_and_last_150ms() -> None:
    # Given two minutes of frames
    runs = blink_runs(120 * FPS)
    # When the blinks are found
    starts = [start for start, _ in runs]
    gaps_s = [(b - a) / FPS for a, b in itertools.pairwise(starts)]
    # Then there is one per 4 s window, 3-5 s apart, each half-closed, closed, half-open
    assert len(runs) == 30
    assert min(gaps_s) >= 3.0 and max(gaps_s) <= 5.0
    assert all(lids == ["half", "half", "closed", "closed", "half"] for _, lids in runs)


def test_blink_schedule_is_deterministic() -> None:
    # Given the same frames asked twice / Then the same lids come back
    assert [lid_state(i) for i in range(900)] == [lid_state(i) for i in range(900)]


def test_gestures_start_and_end_at_the_idle_pose() -> None:
    # Given a frame's idle pose
    idle = pose(100, speaking=False, gesture="none", gesture_progress=0.0)
    for gesture in ("nod", "tilt"):
        # When a gesture is at its start or end / Then the head is where it rests
        assert pose(100, speaking=False, gesture=gesture, gesture_progress=0.0) == idle
        assert pose(100, speaking=False, gesture=gesture, gesture_progress=1.0) == idle


def test_nod_lowers_the_head_and_tilt_turns_it() -> None:
    # Given the middle of each gesture
    idle = pose(0, speaking=False, gesture="none", gesture_progress=0.0)
    nod = pose(0, speaking=False, gesture="nod", gesture_progress=0.5)
    tilt = pose(0, speaking=False, gesture="tilt", gesture_progress=0.5)
    # Then a nod moves the head 9 units down, a tilt turns it 7 degrees (in half-degree steps)
    assert round(nod.head_dy - idle.head_dy, 6) == 9.0
    assert nod.angle == idle.angle
    assert tilt.angle == 7.0
    assert tilt.angle % ANGLE_STEP == 0


def test_idle_motion_breathes_and_sways() -> None:
    # Given silent frames over 5 s
    poses = [
        pose(i, speaking=False, gesture="none", gesture_progress=0.0) for i in range(0, 5 * FPS, 5)
    ]
    # Then the shoulders rise and fall and the head drifts, by a few units at most
    body = [p.body_dy for p in poses]
    sway = [p.head_dx for p in poses]
    assert max(body) - min(body) > 1.0 and max(abs(v) for v in body) <= 1.6
    assert max(sway) - min(sway) > 1.0 and max(abs(v) for v in sway) <= 2.2
