"""The local cloud stops every part it started, even when one of them fails to stop."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.cloud import LocalCloud, LocalCloudConfig


class Part:
    def __init__(self, stopped: list[str], name: str, broken: bool = False) -> None:
        self.stopped, self.name, self.broken = stopped, name, broken

    def stop(self) -> None:
        self.stopped.append(self.name)
        if self.broken:
            raise RuntimeError(f"{self.name} would not stop")

    stop_all = stop


def test_a_part_that_fails_to_stop_leaves_no_other_running(tmp_path: Path) -> None:
    # Given a local cloud whose API fails to stop
    cloud = LocalCloud(LocalCloudConfig(workdir=tmp_path))
    stopped: list[str] = []
    names = ["expiry", "api", "scheduler", "supervisor", "playback", "ingest", "_server", "chat"]
    for name in names:
        setattr(cloud, name, Part(stopped, name, broken=name == "api"))

    # When it is stopped / Then the API's failure is raised, once every part was stopped
    with pytest.raises(RuntimeError, match="api would not stop"):
        cloud.stop()
    assert stopped == names
    assert [getattr(cloud, n) is None for n in names] == [n != "supervisor" for n in names]
