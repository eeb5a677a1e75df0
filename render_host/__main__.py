"""``python -m render_host [--boot PATH]``: run the agent (as the instance's service does)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from render_host.agent import Agent
from render_host.config import AgentConfig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="render_host", description=__doc__)
    parser.add_argument("--boot", type=Path, help="the boot document (default: from config)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = AgentConfig() if args.boot is None else AgentConfig(boot_path=args.boot)
    Agent(config).run()


if __name__ == "__main__":
    main()
