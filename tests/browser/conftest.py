"""Browser tests: a real Chromium (Debian's) driven by Playwright against the live server.

Every page a journey visits is checked with axe-core for WCAG 2.2 A/AA problems.
A failing test leaves a screenshot in test-results/<test name>.png.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = ROOT / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# How long a click or navigation may take before the test fails.
TIMEOUT_MS = 10_000


def _chromium() -> str:
    path = os.environ.get("TANDEM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            "Debian's chromium is needed for the browser tests: run `make chromium` "
            "(apt-get install chromium)",
            pytrace=False,
        )
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    # Under `pytest -n --dist loadgroup` one worker runs them all: one Chromium, one live server.
    grouped = config.pluginmanager.hasplugin("xdist")
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if grouped:
                item.add_marker(pytest.mark.xdist_group("browser"))


def _screenshot_path(item: pytest.Item) -> Path:
    return RESULTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name) + ".png")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        page = getattr(item, "_browser_page", None)
        if page is not None and not page.is_closed():
            RESULTS.mkdir(exist_ok=True)
            path = _screenshot_path(item)
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as exc:  # the browser may be what failed
                report.sections.append(("screenshot", f"could not take a screenshot: {exc}"))
            else:
                report.sections.append(("screenshot", str(path)))
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop running in this thread for as long as
    # it is open, and Django then refuses ORM calls here (building the cast, and any
    # later test in this process). Nothing here is async, so tell Django it is safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Sign-in runs through the real form; only the (deliberately slow) hash is made cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, transactional_db: None, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (own cookies); options go to new_context."""
    _screenshot_path(request.node).unlink(missing_ok=True)  # from an earlier failed run
    contexts: list[BrowserContext] = []

    def _new_page(**options: Any) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        request.node._browser_page = page  # for the screenshot on failure
        return page

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations for the page as it is now.

    A journey often checks the page straight after a click that navigates: wait until
    the new document has loaded, and if it is replaced while axe runs, check the
    replacement instead."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.add_script_tag(path=str(AXE))
            return page.evaluate(AXE_RUN, AXE_TAGS)
        except PlaywrightError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


AXE_RUN = """async (tags) => {
    const r = await axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    });
    return r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
    }));
}"""


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now and fail listing every violation."""
    violations = axe_violations(page)
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"]:
                lines.append(f"    at {node['target']}")
                if node["summary"]:
                    lines.append("      " + node["summary"].replace("\n", "\n      "))
        pytest.fail("\n".join(lines), pytrace=False)


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the real sign-in form, checking the form page with axe."""
    page.goto("/accounts/login/")
    assert_accessible(page)
    form = page.locator("form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("button[type='submit'], input[type='submit']").first.click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def error_summary(page: Page) -> list[tuple[str, str]]:
    """The GOV.UK error summary's entries: (text, id of the field each link points at).

    Called after submitting a form that should fail: waits for the answer to arrive (the
    summary's first link) rather than reading the page the form was sent from."""
    links = page.locator(".govuk-error-summary__list a")
    links.first.wait_for(state="visible")
    return [
        (text.strip(), href.lstrip("#"))
        for text, href in links.evaluate_all(
            "as => as.map(a => [a.textContent, a.getAttribute('href')])"
        )
    ]
