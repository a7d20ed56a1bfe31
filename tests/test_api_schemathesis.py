"""Schemathesis over /api/schema/: every operation, as each demo role (anonymous, unit staff of two
units, a unit head, a city leader, the office), with a bounded, derandomized number of examples.
No answer may be a server error, and every answer must match the schema (status, content type, body).

The examples run against the WSGI application in the test's own transaction; writes they make stay
inside it. ``ZMD_SCHEMATHESIS_EXAMPLES`` raises the bound for a longer local run."""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import create_token
from tests.test_api import own_target, unit_a_records  # noqa: F401  (fixtures: real records of unit A to find)
from tests.workspace_data import D, at

EXAMPLES = int(os.environ.get("ZMD_SCHEMATHESIS_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ("anonymous", "alice", "bob", "carol", "dave", "erin")


@pytest.fixture
def wsgi_in_this_transaction(settings):
    """The WSGI app as the site runs it, sharing the test's connection (as Django's test client does:
    the request signals would otherwise close the connection that holds the test's transaction)."""
    settings.ZMD_API_RATE = "100000/minute"
    cache.clear()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()


def _run_operation(operation, headers: dict) -> int:
    calls = 0

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        nonlocal calls
        response = case.call(headers=headers)
        calls += 1
        case.validate_response(response, checks=CHECKS)

    check()
    return calls


def test_every_operation_as_every_role_answers_within_the_schema_and_without_server_errors(
    wsgi_in_this_transaction,
    alice,
    bob,
    carol,
    dave,
    erin,
    unit_a_records,  # noqa: F811
):
    people = {"alice": alice, "bob": bob, "carol": carol, "dave": dave, "erin": erin}
    headers = {"anonymous": {}}
    for role, person in people.items():
        _token, key = create_token(person, name="schemathesis", acting_user=person)
        headers[role] = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_in_this_transaction)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25  # every path of /api/v1/ is in the schema
    started, calls = time.monotonic(), 0
    with at(D(2018, 6, 27)):
        for role in ROLES:
            for operation in operations:
                calls += _run_operation(operation, headers[role])
    assert calls >= len(operations) * len(ROLES)
    assert time.monotonic() - started < 120, "keep the bound small: the suite runs this on every push"
