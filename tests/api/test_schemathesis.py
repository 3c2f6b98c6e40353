"""Schemathesis over ``/api/openapi.json``: every operation, as an ordinary user and as a legal admin, never a 5xx.

Not part of ``make test`` (deselected unless ``-m schemathesis`` is given); CI runs it
on PostgreSQL with ``TIDINGS_SCHEMATHESIS_EXAMPLES`` examples per operation and role.
"""

from __future__ import annotations

import os
import traceback

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tidings.api.api import api

EXAMPLES = int(os.environ.get("TIDINGS_SCHEMATHESIS_EXAMPLES", "25"))
ROLES = {
    "user": "read write follow push",
    "legal_admin": "read write follow push admin:read admin:write",
}

# Each operation runs in one rolled-back transaction (views take savepoints); a database
# error would surface as a 5xx and fail the test either way.
pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix=""))
app = get_wsgi_application()


@pytest.fixture(params=sorted(ROLES))
def bearer(request, make_account, token_for, settings) -> dict[str, str]:
    """``Authorization`` for a fresh account of each role; rate limits off so the fuzzer is not throttled."""
    settings.TIDINGS_RATE_LIMITS = False
    role = request.param
    account = make_account(f"fuzz_{role}", role=role)
    return {"Authorization": f"Bearer {token_for(account, ROLES[role])}"}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request's start and end must not close the test's connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def server_tracebacks():
    """Tracebacks of exceptions the app turned into 500s, so a failure shows its cause."""
    seen: list[str] = []

    def record(sender, request=None, **kwargs):
        seen.append(traceback.format_exc())

    got_request_exception.connect(record)
    yield seen
    got_request_exception.disconnect(record)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case, bearer, server_tracebacks):
    response = case.call(app=app, headers=bearer)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}\n"
        f"{case.as_curl_command()}\n" + "\n".join(server_tracebacks[-1:])
    )
