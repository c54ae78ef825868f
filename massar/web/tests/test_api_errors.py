"""The API's one error shape, whatever goes wrong; and its OpenAPI document."""

import pytest

from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_a_json_404(client, cast):
    assert_error(client.get("/api/v1/no-such-thing", **bearer(cast.director_a1)), 404, "not_found")
    assert_error(client.get("/api/v2/establishments"), 404, "not_found")


def test_a_wrong_method_is_a_json_405(client, cast):
    response = client.put("/api/v1/me", **bearer(cast.director_a1))
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_error_messages_follow_the_language(client, cast):
    client.cookies["massar_language"] = "fr"
    error = assert_error(client.get("/api/v1/me"), 401, "unauthenticated")
    assert "jeton" in error["message"]


def test_the_openapi_document_lists_every_endpoint_and_the_bearer_scheme(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/establishments",
        "/api/v1/establishments/{code}",
    }
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert "security" not in schema["paths"]["/api/v1/auth/token"]["post"]
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [{"BearerToken": []}]


def test_the_api_docs_page_uses_no_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "cdn" not in response.content.decode().lower()
