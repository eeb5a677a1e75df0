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
_SHEBANG = "#!/bin/bash\nset -euo pipefail\n"
BAKE_SWITCH = "export LIVEHOST_BAKE=1"  # read by the bootstrap (template.yaml)


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
        f"{_SHEBANG}"
        f'mkdir -p "${{LIVEHOST_ROOT:-}}{BOOT_DIR}"\n'
        f"cat > \"${{LIVEHOST_ROOT:-}}{BOOT_PATH}\" <<'{_MARK}'\n{document}\n{_MARK}\n"
    )
    return head + _body(bootstrap)


def bake_user_data(bootstrap: str) -> str:
    """The user data of ``livehost bake``'s instance: the launch template's ``bootstrap`` itself
    with the bake switch on, so it installs everything, starts no agent and powers off (the
    image is made from that instance, and the same bootstrap runs again on each room's host)."""
    return _SHEBANG + BAKE_SWITCH + "\n" + _body(bootstrap)


def is_bake(script: str) -> bool:
    """Whether a user-data script (plain) is ``livehost bake``'s."""
    return script.startswith(_SHEBANG + BAKE_SWITCH + "\n")


def _body(bootstrap: str) -> str:
    """The bootstrap without its shebang line (the joined script has one, first)."""
    return bootstrap.split("\n", 1)[1] if bootstrap.startswith("#!") else bootstrap


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
