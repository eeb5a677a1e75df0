"""The local cloud and a real headless Chromium (Debian's ``chromium``, driven by Playwright
with ``executable_path``: Playwright's own browser download cannot work here)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from local.cloud import LocalCloud, LocalCloudConfig

logging.getLogger("werkzeug").setLevel(logging.ERROR)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "browser"


@pytest.fixture(scope="session")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    with LocalCloud(LocalCloudConfig(workdir=tmp_path_factory.mktemp("cloud"))) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: run ./dev setup")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class Operator:
    """An operator of the stack's user pool, who signs in on the console's sign-in page."""

    def __init__(self, cloud: LocalCloud, name: str = "browser-operator") -> None:
        self.token = cloud.api.issue_token(name)
        self.username = f"{name}@livehost.local"
        self.password = cloud.api.password_of(self.username)
        self.site = cloud.api.url

    def sign_in(self, page: Page) -> None:
        page.goto(f"{self.site}/console/")
        page.get_by_label("Email").fill(self.username)
        page.get_by_label("Password", exact=True).fill(self.password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Rooms").wait_for()


@pytest.fixture(scope="session")
def operator(cloud: LocalCloud) -> Operator:
    return Operator(cloud)
