"""API authentication: tokens issued, used, expired, revoked, forged; lockout; /me."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from massar.accounts.models import ApiToken
from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = pytest.mark.django_db


def ask_token(client, username, password):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_the_right_credentials_give_a_working_token(client, cast):
    response = ask_token(client, cast.director_a1.username, cast.password)
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["token"].startswith("mst_")
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    assert me.json()["username"] == cast.director_a1.username


def test_only_a_digest_of_the_token_is_stored(client, cast):
    token = ask_token(client, cast.director_a1.username, cast.password).json()["token"]
    stored = ApiToken.objects.get(user=cast.director_a1)
    assert token.split("_")[2] not in (stored.digest, stored.key_id)
    assert stored.expires_at - timezone.now() <= settings.API_TOKEN_TTL


def test_a_wrong_password_is_401_in_the_error_shape(client, cast):
    response = ask_token(client, cast.director_a1.username, "wrong")
    assert_error(response, 401, "invalid_credentials")


def test_repeated_failures_lock_out_even_the_right_password(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert_error(
            ask_token(client, cast.director_a1.username, "wrong"), 401, "invalid_credentials"
        )
    assert_error(ask_token(client, cast.director_a1.username, "wrong"), 429, "locked_out")
    error = assert_error(
        ask_token(client, cast.director_a1.username, cast.password), 429, "locked_out"
    )
    assert "Wait" in error["message"] or "انتظر" in error["message"]


def test_an_inactive_user_gets_no_token(client, cast):
    cast.director_a1.is_active = False
    cast.director_a1.save(update_fields=["is_active"])
    assert_error(
        ask_token(client, cast.director_a1.username, cast.password), 401, "invalid_credentials"
    )


@pytest.mark.parametrize(
    "payload",
    ['{"username": "x"}', '{"username": "", "password": ""}', "not json", "[]"],
)
def test_a_malformed_token_request_is_400(client, payload):
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer mst_0000000000000000_forged",
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        "Bearer mst_" + "a" * 500,
    ],
)
def test_a_missing_or_forged_token_is_401(client, cast, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert_error(client.get("/api/v1/me", **extra), 401, "unauthenticated")


def test_a_token_with_a_tampered_secret_is_401(client, cast):
    header = bearer(cast.director_a1)["HTTP_AUTHORIZATION"]
    tampered = header[:-2] + ("AA" if not header.endswith("AA") else "BB")
    assert_error(client.get("/api/v1/me", HTTP_AUTHORIZATION=tampered), 401, "unauthenticated")


def test_an_expired_token_is_401(client, cast):
    headers = bearer(cast.director_a1)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(client.get("/api/v1/me", **headers), 401, "unauthenticated")


def test_a_revoked_token_is_refused_and_other_tokens_still_work(client, cast):
    revoked, kept = bearer(cast.director_a1), bearer(cast.director_a1)
    assert client.delete("/api/v1/auth/token", **revoked).status_code == 204
    assert_error(client.get("/api/v1/me", **revoked), 401, "unauthenticated")
    assert client.get("/api/v1/me", **kept).status_code == 200


def test_a_deactivated_users_token_stops_working(client, cast):
    headers = bearer(cast.director_a1)
    cast.director_a1.is_active = False
    cast.director_a1.save(update_fields=["is_active"])
    assert_error(client.get("/api/v1/me", **headers), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("member", "roles"),
    [
        ("national_admin", [("national_admin", "national", None)]),
        ("academy_officer_a", [("academy_officer", "academy", "04")]),
        ("directorate_officer_a1", [("directorate_officer", "directorate", "0401")]),
        ("director_b1", [("director", "establishment", "21010B")]),
        ("parent_a1", [("parent", "establishment", "11565V")]),
        ("outsider", []),
    ],
)
def test_me_lists_the_roles_and_their_scope(client, cast, member, roles):
    response = client.get("/api/v1/me", **bearer(getattr(cast, member)))
    assert response.status_code == 200
    got = []
    for role in response.json()["roles"]:
        place = role["establishment"] or role["directorate"] or role["academy"]
        got.append((role["role"], role["scope_level"], place["code"] if place else None))
    assert got == roles


def test_me_runs_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    headers = bearer(cast.director_a1)
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/me", **headers).status_code == 200
