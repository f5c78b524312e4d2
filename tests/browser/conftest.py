"""A live server on a free local port, and Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.browser.bundle_helpers import BUNDLES, Watched
from tests.browser.harness_server import HarnessServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_server(ctx: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, ctx, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture
def page(live_server: str) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not __import__("os").path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(base_url=live_server)
        page = context.new_page()
        # Generous: the machines are shared, and a wait only lasts this long when a test fails.
        page.set_default_timeout(30_000)
        yield page
        browser.close()


# The viewer and designer bundles on a static harness (tests/browser/harness_server.py).


@pytest.fixture(scope="module")
def harness() -> Iterator[HarnessServer]:
    if not (BUNDLES / "viewer.js").exists() or not (BUNDLES / "designer.js").exists():
        pytest.fail("The front-end bundles are not built: run `make assets`")
    with HarnessServer() as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def watched(harness: HarnessServer, browser: Any) -> Iterator[Watched]:
    harness.backend.bundle = {}
    harness.backend.save_answers.clear()
    harness.backend.saves.clear()
    context = browser.new_context(base_url=harness.url, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield Watched(page)
    context.close()
