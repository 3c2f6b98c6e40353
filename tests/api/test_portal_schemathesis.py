"""Schemathesis over the portal's operations as an authority's member: never a 5xx.

Like ``test_schemathesis.py`` (whose fixtures it reuses), deselected unless
``-m schemathesis`` is given; ``TIDINGS_SCHEMATHESIS_EXAMPLES`` examples per operation.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.api.test_schemathesis import (  # noqa: F401
    EXAMPLES,
    _keep_the_test_connection,
    app,
    server_tracebacks,
)
from tests.legal.portal_world import make_member
from tidings.api.api import api
from tidings.legal.actions.portal import do_submit_order

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="")).include(
    path_regex="^/api/v1/portal/"
)


@pytest.fixture
def member_bearer(make_account, token_for, settings) -> dict[str, str]:
    """A member of an authority with one order, and its token with both portal scopes."""
    settings.TIDINGS_RATE_LIMITS = False
    member, _ = make_member(make_account, "fuzz_officer", "MeitY", "IN")
    do_submit_order("@someone\n", reference="R/1", acting_user=member)
    return {"Authorization": f"Bearer {token_for(member, 'read portal:read portal:write')}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_portal_operation_answers_a_server_error(case, member_bearer, server_tracebacks):  # noqa: F811
    response = case.call(app=app, headers=member_bearer)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}\n"
        f"{case.as_curl_command()}\n" + "\n".join(server_tracebacks[-1:])
    )
