"""How a render host learns which room it serves: a boot document in the instance's user
data, written before the launch template's bootstrap. The provision function writes it; the
agent reads it."""

from __future__ import annotations

import base64
import re

from livehost.models import Model
from livehost.renderers import DEFAULT_RENDERER

BOOT_DIR = "/etc/livehost"
BOOT_PATH = f"{BOOT_DIR}/agent.json"
_MARK = "LIVEHOST_BOOT_JSON"


class AgentBoot(Model):
    """Everything the agent needs that is not a secret."""

    room_id: str
    run: int
    command_queue_url: str
    events_queue_url: str
    dead_letter_queue_url: str | None = None
    region: str
    renderer: str = DEFAULT_RENDERER


def user_data(boot: AgentBoot, bootstrap: str = "") -> str:
    """The instance's user data: a shell script that writes the boot document, then runs the
    launch template's ``bootstrap`` (which installs and starts the agent). RunInstances' user
    data replaces the launch template's, so the two are joined here. The document goes under
    ``$LIVEHOST_ROOT`` when that is set (the local instance supervisor's sandbox)."""
    document = boot.model_dump_json(by_alias=True, exclude_none=True)
    head = (
        "#!/bin/bash\nset -euo pipefail\n"
        f'mkdir -p "${{LIVEHOST_ROOT:-}}{BOOT_DIR}"\n'
        f"cat > \"${{LIVEHOST_ROOT:-}}{BOOT_PATH}\" <<'{_MARK}'\n{document}\n{_MARK}\n"
    )
    body = bootstrap.split("\n", 1)[1] if bootstrap.startswith("#!") else bootstrap
    return head + body


def encoded_user_data(boot: AgentBoot, bootstrap: str = "") -> str:
    return base64.b64encode(user_data(boot, bootstrap).encode()).decode()


def boot_of(script: str) -> AgentBoot:
    """Read the boot document back out of a user-data script (plain or base64)."""
    if not script.startswith("#!"):
        script = base64.b64decode(script).decode()
    found = re.search(rf"<<'{_MARK}'\n(.*?)\n{_MARK}\n", script, re.S)
    if not found:
        raise ValueError("user data holds no LiveHost boot document")
    return AgentBoot.model_validate_json(found.group(1))
