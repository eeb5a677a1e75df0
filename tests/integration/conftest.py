"""The local cloud, once per test session: the emulator with template.yaml deployed, the real
handlers, a real ingest and real render host processes. ``rooms`` drives rooms through it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from roomdriver import Rooms

from local.cloud import LocalCloud, LocalCloudConfig

logging.getLogger("werkzeug").setLevel(logging.ERROR)


@pytest.fixture(scope="session")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    # The chat's review handler gets 1 s, not IVS Chat's 200 ms: on this shared machine the
    # emulator's calls behind it sometimes take longer, and the tests check what the review
    # decides, not the machine's load (test_chat checks the fallback; bench/chat.py the budget).
    config = LocalCloudConfig(workdir=tmp_path_factory.mktemp("cloud"), chat_review_budget_s=1.0)
    with LocalCloud(config) as local_cloud:
        yield local_cloud


@pytest.fixture
def rooms(cloud: LocalCloud) -> Rooms:
    return Rooms(cloud)
