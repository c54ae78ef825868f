"""Login, lockout, logout, password change and session expiry through the pages."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


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
    locked = login(client, username, "wrong")
    assert locked.status_code == 429
    assert 'id="locked-out"' in locked.content.decode()
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


def test_password_change_needs_the_old_password(client, cast):
    client.force_login(cast.director_a1)
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
    cast.director_a1.refresh_from_db()
    assert cast.director_a1.check_password("a-Longer-passphrase-2026")


def test_sessions_expire(client, cast):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    login(client, cast.director_a1.username, cast.password)
    client.session.set_expiry(-1)  # an expired session
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get("/").status_code == 302


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from massar import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
