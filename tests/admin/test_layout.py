"""The layout around every admin page: navigation, who is signed in, language, error pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.admin.conftest import Premises, sign_in


class TestNavigation:
    def test_sections_not_built_yet_are_greyed_not_linked(
        self, client: TestClient, session: Session, premises: Premises
    ):
        from admin.nav import SECTIONS

        sign_in(client, session, premises.manager)
        html = client.get("/admin/premises").text
        assert re.search(r'<a href="/admin/premises" class="active"[^>]*>门店与商户</a>', html)
        # Any section whose page is not built yet (issue 13 built patrol, the example this test used).
        built = client.app.state.admin_page_paths  # type: ignore[attr-defined]
        soon = [s for s in SECTIONS if s.path not in built]
        if not soon:
            pytest.skip("every section is built")
        assert re.search(r'<span class="soon"[^>]*>[^<]+ <small>即将推出</small>', html)
        assert f'href="{soon[0].path}"' not in html

    def test_shows_store_user_and_role(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.manager)
        html = client.get("/admin/premises").text
        assert "管理测试百货" in html and "manager-wang" in html and "店长" in html

    def test_admin_root_lands_on_a_section(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.manager)
        response = client.get("/admin/", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/admin/")


class TestLanguage:
    def test_chinese_by_default(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.manager)
        html = client.get("/admin/premises").text
        assert '<html lang="zh-CN">' in html and "新增商户" in html

    def test_english_switch_sticks_for_the_next_pages(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.manager)
        html = client.get("/admin/premises?lang=en").text
        assert '<html lang="en">' in html and "New shop" in html and "Premises" in html and "Admin Test Store" in html
        assert "新增商户" not in html
        assert "Womenswear" in client.get("/admin/premises").text  # the lang cookie keeps English

    def test_login_page_in_english(self, client: TestClient):
        assert "Username" in client.get("/admin/login?lang=en").text


class TestErrorPage:
    def test_unknown_admin_page_is_a_readable_page(self, client: TestClient, session: Session, premises: Premises):
        sign_in(client, session, premises.manager)
        response = client.get("/admin/premises/shops/999999/edit")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "找不到该商户" in response.text and "返回管理后台" in response.text

    def test_error_page_in_english(self, client: TestClient, premises: Premises):
        response = client.get("/admin/no-such-page?lang=en")
        assert response.status_code == 404 and "Back to the back office" in response.text


class TestLandingByRole:
    def test_cashier_lands_on_a_friendly_page_that_points_to_the_till(
        self, client: TestClient, session: Session, premises: Premises
    ):
        sign_in(client, session, premises.cashier)
        page = client.get("/admin/")
        assert page.status_code == 200 and page.url.path == "/admin/"
        assert 'id="no-section"' in page.text and "POS 终端" in page.text and "收银员" in page.text
        assert 'class="sidebar"' in page.text  # in the layout, with a way to sign out
        assert 'href="/admin/dashboard"' not in page.text and 'href="/admin/premises"' not in page.text

    def test_tenant_lands_on_the_first_section_they_may_open(
        self, client: TestClient, session: Session, premises: Premises
    ):
        sign_in(client, session, premises.tenant)
        response = client.get("/admin/", follow_redirects=False)
        assert response.headers["location"] == "/admin/dashboard"

    def test_sections_a_role_may_not_open_are_left_out_of_the_navigation(
        self, client: TestClient, session: Session, premises: Premises
    ):
        sign_in(client, session, premises.tenant)
        html = client.get("/admin/dashboard").text
        assert 'href="/admin/kpi"' in html and 'href="/admin/assessment"' not in html
