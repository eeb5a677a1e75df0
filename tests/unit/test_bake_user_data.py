"""``livehost bake``'s user data is the launch template's own bootstrap with the bake switch on,
so a baked image and a stock one never diverge: the same script installs, and only the switch
decides between starting the agent and powering off for the image."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from samtranslator.yaml_helper import yaml_parse

from livehost.boot import AgentBoot, bake_user_data, is_bake, user_data

ROOT = Path(__file__).resolve().parents[2]
INSTALL_STEPS = ["system packages", "python environment", "render host package",
                 "python packages"]  # fmt: skip
FILLED = {
    "AWS::Region": "us-east-1",
    "LiveHostLayer": "arn:aws:lambda:us-east-1:123456789012:layer:livehost:3",
    "RenderHostPackage": "arn:aws:lambda:us-east-1:123456789012:layer:render-host:4",
}


def template_bootstrap() -> str:
    """The launch template's user data as CloudFormation makes it (its ${...} filled)."""
    template = yaml_parse((ROOT / "template.yaml").read_text())
    data = template["Resources"]["RenderHostLaunchTemplate"]["Properties"]["LaunchTemplateData"]
    body: str = data["UserData"]["Fn::Base64"]["Fn::Sub"]
    return re.sub(r"\$\{(!?)([^}]+)\}", lambda m: "${" + m[2] + "}" if m[1] else FILLED[m[2]], body)


def run(script: str, root: Path) -> subprocess.CompletedProcess[str]:
    """Run user data in a sandbox root, as the local supervisor does: package managers no-ops,
    systemctl recorded (local/systemctl), and a Python that lays out the two layers' files in
    place of the fetch (GetLayerVersion needs a cloud: tests/integration/test_bake.py)."""
    venv = root / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(
        '#!/bin/sh\nmkdir -p "$3/lib/python/livehost" "$3/render_host"\n'
        'touch "$3/lib/python/livehost/boot.py" "$3/render_host/agent.py"\n'
    )
    python.chmod(0o755)
    env = {
        "PATH": "/usr/bin:/bin",
        "LIVEHOST_ROOT": str(root),
        "LIVEHOST_APT_GET": "true",
        "LIVEHOST_PIP": "true",
        "LIVEHOST_VENV": str(venv),
        "LIVEHOST_SYSTEMCTL": str(ROOT / "local" / "systemctl"),
        "LIVEHOST_INSTANCE_ID": "i-0123",
        "LIVEHOST_INSTANCE_TYPE": "c7g.large",
    }
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)


def systemctl_calls(root: Path) -> list[str]:
    return (root / "run" / "systemctl").read_text().splitlines()


def test_the_bake_user_data_is_the_templates_bootstrap_with_the_bake_switch() -> None:
    # Given the launch template's bootstrap
    bootstrap = template_bootstrap()
    # When bake user data is made from it
    baked = bake_user_data(bootstrap)
    # Then it is that script, whole, after the switch (one shebang, nothing else added)
    assert baked == (
        "#!/bin/bash\nset -euo pipefail\nexport LIVEHOST_BAKE=1\n" + bootstrap.split("\n", 1)[1]
    )
    assert is_bake(baked)
    # And a room's user data is not a bake's
    boot = AgentBoot(room_id="r", run=1, command_queue_url="q", events_queue_url="e", region="x")
    assert not is_bake(user_data(boot, bootstrap))


def test_baking_installs_everything_starts_no_agent_and_powers_off(tmp_path: Path) -> None:
    # When the bake user data runs, with no boot document
    ran = run(bake_user_data(template_bootstrap()), tmp_path)
    # Then it installs, step by step, and asks for a power-off instead of the agent service
    assert ran.returncode == 0, ran.stderr
    assert re.findall(r"bootstrap: (.+) done in \d+ ms", ran.stdout) == INSTALL_STEPS
    assert systemctl_calls(tmp_path) == ["poweroff --no-block"]
    assert (tmp_path / "opt/livehost/app/render_host/agent.py").exists()
    assert not (tmp_path / "etc/systemd/system/livehost-agent.service").exists()
    assert not (tmp_path / "etc/livehost/agent.json").exists()


def test_a_room_on_the_same_bootstrap_starts_the_agent_and_a_bare_one_refuses(
    tmp_path: Path,
) -> None:
    # Given the same bootstrap, joined to a room's boot document
    boot = AgentBoot(room_id="r", run=1, command_queue_url="q", events_queue_url="e", region="x")
    # When it runs
    ran = run(user_data(boot, template_bootstrap()), tmp_path / "room")
    # Then it installs and starts the agent service, and powers nothing off
    assert ran.returncode == 0, ran.stderr
    assert re.findall(r"bootstrap: (.+) done in \d+ ms", ran.stdout) == [
        *INSTALL_STEPS,
        "agent service",
    ]
    assert systemctl_calls(tmp_path / "room") == [
        "daemon-reload",
        "enable --now livehost-agent.service",
    ]
    # And without a boot document nor the bake switch it refuses, naming why
    bare = run(template_bootstrap(), tmp_path / "bare")
    assert (bare.returncode, bare.stderr) == (1, "bootstrap: no boot document\n")
