"""Error pages (issue 15): 403, 404, 500 and a refused CSRF token are Chinese pages inside the site's layout, with a
way back to the home page; under /api/ the same errors are Chinese JSON."""

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from api import views as api_views
from core import views as core_views

pytestmark = pytest.mark.django_db

LAYOUT = 'class="navbar'  # the site's header (templates/base.html)
HOME_LINK = f'href="{reverse("home")}"'


def assert_in_layout(response, status: int, heading: str):
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert LAYOUT in html and HOME_LINK in html and "首页" in html  # the way back
    assert f'<h1 class="h3">{heading}</h1>' in html, html
    assert '<html lang="zh-hans">' in html


def test_a_staff_member_opening_the_dashboard_gets_a_chinese_403_in_the_layout(client, alice):
    client.force_login(alice)
    response = client.get(reverse("dashboard:dashboard"))
    assert_in_layout(response, 403, "禁止访问")
    assert "403 Forbidden" not in response.content.decode()
    assert alice.full_name in response.content.decode()  # the header still knows who is logged in


def test_an_unknown_page_is_a_chinese_404_in_the_layout(client, alice):
    client.force_login(alice)
    assert_in_layout(client.get("/no-such-page/"), 404, "页面不存在")


def test_a_server_error_is_a_chinese_500_in_the_layout(monkeypatch):
    class DatabaseDown:
        def cursor(self):
            raise RuntimeError("the database fell over")

    monkeypatch.setattr(core_views, "connection", DatabaseDown())
    response = Client(raise_request_exception=False).get(reverse("healthz"))
    assert_in_layout(response, 500, "服务器错误")


def test_a_refused_csrf_token_is_a_chinese_403_in_the_layout(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "alice", "password": "x"})
    assert_in_layout(response, 403, "CSRF 验证失败，请求已中止。")


# /api/ ------------------------------------------------------------------------------------------------------------


def api_json(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)["detail"]


def test_api_404_is_chinese_json(client):
    assert api_json(client.get("/api/no-such-thing/", headers={"Accept-Language": "en"}), 404) == "未找到。"


def test_api_403_404_and_500_are_chinese_json():
    request = RequestFactory().get("/api/v1/hazards/", headers={"Accept-Language": "en"})
    assert api_json(core_views.page_not_found(request, exception=None), 404) == "未找到。"
    assert api_json(core_views.permission_denied(request, exception=None), 403) == "您没有执行该操作的权限。"
    assert api_json(core_views.server_error(request), 500) == "服务器出现了错误。"


def test_api_csrf_refusal_is_chinese_json():
    request = RequestFactory().post("/api/v1/hazards/")
    assert api_json(core_views.csrf_failure(request, reason="CSRF cookie not set."), 403) == (
        "CSRF 验证失败，请求已中止。"
    )


def test_an_api_view_that_breaks_answers_chinese_json(monkeypatch, admin_user):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(api_views.IndicatorsView, "get", broken)
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    response = client.get(reverse("api:indicators"), headers={"Accept-Language": "en"})
    assert api_json(response, 500) == "服务器出现了错误。"
