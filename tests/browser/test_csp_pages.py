"""The pages work under their Content-Security-Policy in Chromium: no violation, scripts still run.

Chromium reports each blocked inline script, handler or style on the console ("Refused to …
because it violates the following Content Security Policy directive"); the test collects them.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import SHOTS, LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server: LiveServer):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.violations = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.violations.append(message.text),  # type: ignore[attr-defined]
    )
    page.goto(live_server.url + "/admin/login")
    page.fill("#username", live_server.username)
    page.fill("#password", live_server.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")
    yield page
    context.close()


class TestPagesUnderTheirPolicy:
    def test_the_floor_filter_submits_on_change(self, page, live_server):
        page.goto(live_server.url + "/admin/premises")
        page.select_option("#floor-filter", label="1F · 一楼 化妆珠宝")
        page.wait_for_url("**/admin/premises?floor=*")
        assert page.locator("#shops tbody tr").count() == 3
        page.screenshot(path=str(SHOTS / "csp-premises-filtered.png"), full_page=True)
        assert page.violations == []  # type: ignore[attr-defined]

    def test_charts_draw_and_report_styles_apply(self, page, live_server):
        page.goto(live_server.url + "/admin/dashboard")
        page.wait_for_selector("[data-chart][data-drawn=true]")
        page.screenshot(path=str(SHOTS / "csp-dashboard.png"), full_page=True)
        page.goto(live_server.url + "/admin/kpi")
        page.wait_for_selector("[data-chart][data-drawn=true]")
        page.goto(live_server.url + "/admin/assessment")
        # The report's scoped stylesheet (a <style> with this response's nonce) is applied: a styled heading.
        size = page.evaluate("getComputedStyle(document.querySelector('.ss-report h1')).fontSize")
        assert size == "26px"
        page.screenshot(path=str(SHOTS / "csp-assessment.png"))
        assert page.violations == []  # type: ignore[attr-defined]

    def test_the_api_docs_render(self, page, live_server):
        page.goto(live_server.url + "/api/v1/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)  # a 1.4 MB bundle on a busy machine
        page.screenshot(path=str(SHOTS / "csp-api-docs.png"))
        assert page.violations == []  # type: ignore[attr-defined]

    def test_the_kiosk(self, page, live_server):
        page.goto(live_server.url + "/kiosk/")
        page.screenshot(path=str(SHOTS / "csp-kiosk.png"))
        assert page.violations == []  # type: ignore[attr-defined]
