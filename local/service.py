"""``python -m local.service --workdir DIR [--port N]``: the local cloud as a background
service (what ``livehost local up`` starts). Stops cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
import traceback
from pathlib import Path

from local.cloud import LocalCloud, LocalCloudConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="local.service")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=args.workdir / "cloud.log",
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    failure = args.workdir / "error.txt"
    failure.unlink(missing_ok=True)
    should_exit = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: should_exit.set())
    signal.signal(signal.SIGINT, lambda *_: should_exit.set())
    cloud = LocalCloud(LocalCloudConfig(workdir=args.workdir, port=args.port))
    try:
        cloud.start()
    except Exception as exc:
        failure.write_text(f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}")
        return 1
    try:
        should_exit.wait()
    finally:
        cloud.stop()
        logging.getLogger("livehost.local").info("the local cloud is down")
        logging.shutdown()
    # executions still running in the emulator's threads (a room waiting on its host) would
    # keep the process alive: with the emulator gone they can only retry into the void
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
