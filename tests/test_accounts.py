"""Logging in and out, the lockout after failed log-ins (django-axes), the language switch and password rules."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOCKED_OUT = "registration/locked_out.html"


def log_in(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def html_lang(response) -> str:
    page = response.content.decode()
    return page[page.index("<html lang=") :].split('"')[1]


# Logging in and out ------------------------------------------------------------------------------------------------


def test_the_login_page_renders_in_chinese(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert html_lang(response) == "zh-hans"
    assert 'id="login-form"' in response.content.decode()


def test_pages_send_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("plans:measure_list"))

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={reverse('plans:measure_list')}"


def test_a_good_login_redirects_to_the_home_page(client, alice):
    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_good_login_follows_next(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": reverse("plans:measure_list")})

    assert response.url == reverse("plans:measure_list")


def test_a_wrong_password_shows_the_form_again(client, alice):
    response = log_in(client, "alice", "wrong")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_an_inactive_user_cannot_log_in(client, alice):
    alice.is_active = False
    alice.save()

    assert log_in(client, "alice", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(login, alice):
    client = login(alice)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session


# Lockout -----------------------------------------------------------------------------------------------------------


def fail(client, times: int, username: str = "alice") -> list:
    return [log_in(client, username, f"wrong-{attempt}") for attempt in range(times)]


def test_four_wrong_passwords_do_not_lock_the_user_out(client, alice):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail(client, 4)

    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_the_fifth_wrong_password_locks_the_user_out(client, alice):
    *first, fifth = fail(client, 5)

    assert [response.status_code for response in first] == [200] * 4
    assert fifth.status_code == 429  # axes' AXES_HTTP_RESPONSE_CODE default, with our lockout template
    assert LOCKED_OUT in template_names(fifth)


def test_a_locked_out_user_is_refused_even_with_the_right_password(client, alice):
    fail(client, 5)

    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    assert LOCKED_OUT in template_names(response)
    assert html_lang(response) == "zh-hans"
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_for_that_user_only(client, alice, bob):
    fail(client, 5)

    assert log_in(client, "bob", PASSWORD).status_code == 302


def test_a_good_login_resets_the_count_of_failures(client, alice):
    fail(client, 4)
    assert log_in(client, "alice", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    assert [response.status_code for response in fail(client, 4)] == [200] * 4


# Language ----------------------------------------------------------------------------------------------------------


def test_the_language_switch_turns_the_next_page_english(login, alice):
    client = login(alice)
    assert html_lang(client.get(reverse("plans:measure_list"))) == "zh-hans"

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("plans:measure_list")})

    assert response.status_code == 302
    assert html_lang(client.get(reverse("plans:measure_list"))) == "en"


def test_the_browsers_language_is_followed_without_a_choice(client):
    assert html_lang(client.get(LOGIN, headers={"accept-language": "en"})) == "en"


# Passwords ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("new_password", ["abc12", "password", "12345678", "alice2020"])
def test_a_short_common_numeric_or_name_like_password_is_refused(login, alice, new_password):
    response = login(alice).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_good_password_is_accepted(login, alice):
    new_password = "Liuyang-jiaotong-2021"

    response = login(alice).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.url == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password(new_password)
