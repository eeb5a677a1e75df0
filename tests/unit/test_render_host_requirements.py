"""The render host's own requirements (installed by its bootstrap on a stock image) pin what the
local cloud runs it with: one version of each package everywhere."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            name, version = line.split("==")
            found[name.split("[")[0].lower()] = version
    return found


def test_the_render_host_pins_the_versions_the_layer_and_the_local_cloud_use() -> None:
    # Given the render host's requirements and the layer's
    host = pins(ROOT / "render_host" / "requirements.txt")
    layer = pins(ROOT / "layers" / "livehost" / "requirements.txt")
    # Then every package pinned in both has one version
    shared = host.keys() & layer.keys()
    assert shared == {"pydantic", "pydantic-settings", "aws-lambda-powertools", "av"}
    assert {name: host[name] for name in shared} == {name: layer[name] for name in shared}
    # And the local cloud installs the render host's requirements as they are
    assert (
        "-r ../render_host/requirements.txt" in (ROOT / "requirements" / "runtime.txt").read_text()
    )
