"""Property-based check of the whole API from its OpenAPI document: no input answers a 5xx.

schemathesis generates requests for every operation (valid and invalid parameters and bodies)
and sends them to the WSGI application with a valid bearer token of a cast member.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from massar.accounts.tokens import api_token_issue
from massar.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 30


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls into the WSGI application fire the request signals, whose handler closes a database
    connection that is inside a transaction (the test's): on PostgreSQL the test would lose its
    connection. Django's own test client disconnects the handler the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_generated_request_gets_a_server_error(cast):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 50
    for operation in operations:
        check_operation(operation, user=cast.academy_officer_a)
        if operation.method.upper() == "POST":
            # A director reaches the validation and writes that an officer is refused before.
            check_operation(operation, user=cast.director_a1)


def check_operation(operation, *, user) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        raw, _token = api_token_issue(user=user)
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {raw}"}
        response = case.call()
        assert response.status_code < 500, (
            f"{operation.method.upper()} {case.formatted_path} {case.query} {case.body!r} "
            f"answered {response.status_code}: {response.text[:300]}"
        )
        if response.status_code >= 400:
            assert set(response.json()["error"]) == {"code", "message", "details"}

    check()
