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
    with LocalCloud(LocalCloudConfig(workdir=tmp_path_factory.mktemp("cloud"))) as local_cloud:
        yield local_cloud


@pytest.fixture
def rooms(cloud: LocalCloud) -> Rooms:
    return Rooms(cloud)
