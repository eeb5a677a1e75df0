"""How a render host learns which room it serves: a boot document in the instance's user
data. The provision function writes it; the agent (or the local instance supervisor) reads it."""

from __future__ import annotations

import base64
import re

from livehost.models import Model
from livehost.renderers import DEFAULT_RENDERER

BOOT_PATH = "/etc/livehost/agent.json"
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


def user_data(boot: AgentBoot) -> str:
    """A cloud-init shell script that writes the boot document and starts the agent service."""
    document = boot.model_dump_json(by_alias=True, exclude_none=True)
    return (
        "#!/bin/bash\nset -euo pipefail\nmkdir -p /etc/livehost\n"
        f"cat > {BOOT_PATH} <<'{_MARK}'\n{document}\n{_MARK}\n"
        "systemctl enable --now livehost-agent.service\n"
    )


def encoded_user_data(boot: AgentBoot) -> str:
    return base64.b64encode(user_data(boot).encode()).decode()


def boot_of(script: str) -> AgentBoot:
    """Read the boot document back out of a user-data script (plain or base64)."""
    if not script.startswith("#!"):
        script = base64.b64decode(script).decode()
    found = re.search(rf"<<'{_MARK}'\n(.*?)\n{_MARK}\n", script, re.S)
    if not found:
        raise ValueError("user data holds no LiveHost boot document")
    return AgentBoot.model_validate_json(found.group(1))
