"""Login, lockout, logout, password change and session expiry through the pages."""

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db


def login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def in_french(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def test_the_login_page_has_labelled_fields(client):
    content = client.get("/accounts/login/").content.decode()
    assert '<form method="post" action="/accounts/login/" id="login-form"' in content
    assert '<label for="id_username">' in content
    assert '<label for="id_password">' in content
    assert 'autocomplete="current-password"' in content
    assert 'id="login-submit"' in content


def test_logging_in_goes_back_to_the_page_asked_for(client, cast):
    response = login(
        client, cast.director_a1.username, cast.password, next="/establishments/11565V/"
    )
    assert response.status_code == 302
    assert response["Location"] == "/establishments/11565V/"


def test_logging_in_never_sends_to_another_host(client, cast):
    response = login(
        client, cast.director_a1.username, cast.password, next="https://example.org/phish"
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_right_password_logs_in_and_lands_on_the_home_page(client, cast):
    response = login(client, cast.director_a1.username, cast.password)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_shows_a_translated_error_and_keeps_the_user_out(client, cast):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    response = login(client, cast.director_a1.username, "not-the-password")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="login-error"' in content
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in content
    assert client.get("/").status_code == 302


def test_five_failures_lock_the_account_even_for_the_right_password(client, cast):
    username = cast.director_a1.username
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, username, "wrong").status_code == 200
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    locked = login(client, username, "wrong")
    assert locked.status_code == 429
    content = locked.content.decode()
    assert 'id="locked-out"' in content
    assert f"<h1>{in_french('Account temporarily locked')}</h1>" in content
    assert '<html lang="fr" dir="ltr">' in content
    again = login(client, username, cast.password)
    assert again.status_code == 429
    assert client.get("/").status_code == 302


def test_a_lockout_is_per_username(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, cast.director_a1.username, "wrong")
    assert login(client, cast.director_a2.username, cast.password).status_code == 302


def test_an_inactive_user_cannot_log_in(client, cast):
    cast.director_a1.is_active = False
    cast.director_a1.save(update_fields=["is_active"])
    assert login(client, cast.director_a1.username, cast.password).status_code == 200


def test_logout_is_a_post_and_ends_the_session(client, cast):
    client.force_login(cast.director_a1)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_the_password_change_page_is_the_shell_s_own(client, cast):
    client.force_login(cast.director_a1)
    content = client.get("/accounts/password/").content.decode()
    assert 'id="password-change-form"' in content
    assert '<label for="id_old_password">' in content
    assert 'id="nav-password" aria-current="page"' in content


def test_password_change_needs_the_old_password(client, cast):
    client.force_login(cast.director_a1)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    refused = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "a-Longer-passphrase-2026",
            "new_password2": "a-Longer-passphrase-2026",
        },
    )
    assert refused.status_code == 200
    assert "errorlist" in refused.content.decode()
    assert "Votre ancien mot de passe est incorrect" in refused.content.decode()
    cast.director_a1.refresh_from_db()
    assert cast.director_a1.check_password(cast.password)
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": cast.password,
            "new_password1": "a-Longer-passphrase-2026",
            "new_password2": "a-Longer-passphrase-2026",
        },
    )
    assert changed.status_code == 302
    assert changed["Location"] == "/accounts/password/done/"
    assert 'id="password-changed"' in client.get("/accounts/password/done/").content.decode()
    cast.director_a1.refresh_from_db()
    assert cast.director_a1.check_password("a-Longer-passphrase-2026")


def test_sessions_expire(client, cast):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = login(client, cast.director_a1.username, cast.password)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""  # a browser-session cookie: closing the browser ends it
    assert cookie["httponly"] is True
    assert client.get("/").status_code == 200
    session = client.session
    session.set_expiry(-1)  # the server-side lifetime has run out
    session.save()
    assert client.get("/").status_code == 302


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from massar import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_logging_in_switches_to_the_users_preferred_language(client, cast):
    cast.parent_a1.preferred_language = "fr"
    cast.parent_a1.save(update_fields=["preferred_language"])
    response = login(client, cast.parent_a1.username, cast.password)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert '<html lang="fr" dir="ltr">' in client.get("/").content.decode()


def test_a_language_chosen_before_logging_in_is_kept(client, cast):
    cast.parent_a1.preferred_language = "fr"
    cast.parent_a1.save(update_fields=["preferred_language"])
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    login(client, cast.parent_a1.username, cast.password)
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()
