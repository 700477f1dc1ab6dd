"""Property-based run of the whole API against its own OpenAPI schema (schemathesis):
random valid and invalid requests, with a real token, must never get a server error.

A few examples per operation keep it CI-sized; set FUZZ_EXAMPLES=200 for a longer run."""

import importlib.util
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from api.main import api
from relance.wsgi import application


def small(node):
    """The same schema with lists and strings capped: generating 10,000-item batches or
    200 kB strings costs minutes and finds nothing that 3 items do not (the limits
    themselves are tested in test_data.py)."""
    if isinstance(node, dict):
        node = {k: small(v) for k, v in node.items()}
        if "maxItems" in node:
            node["maxItems"] = min(node["maxItems"], 3)
        if "maxLength" in node:
            node["maxLength"] = min(node["maxLength"], 60)
        if node.get("type") == "array" and "maxItems" not in node:
            node["maxItems"] = 3
        return node
    if isinstance(node, list):
        return [small(v) for v in node]
    return node


schema = schemathesis.openapi.from_dict(small(api.get_openapi_schema()))
schema.app = application  # requests go through Django's WSGI handler, in-process
# Random generation only: the "coverage" phase adds dozens of boundary cases per operation
# whatever max_examples says, too slow for every CI run (FUZZ_COVERAGE=1 turns it on).
PHASES = ["examples", "fuzzing"] + (["coverage"] if os.environ.get("FUZZ_COVERAGE") else [])
schema.config.phases.update(phases=PHASES)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))


@pytest.fixture
def wsgi_in_test_transaction():
    # Like Django's test client: a request must not close the connection that holds the
    # test's transaction (and its in-memory SQLite database).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(settings, alice_token, overdue, wsgi_in_test_transaction):
    settings.RELANCE_API_RATE = "100000/min"
    from dunning.scan import scan

    scan(overdue["a"].company)
    return alice_token


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_answers_with_a_server_error(case, fuzz_token):
    if case.path == "/api/worklist" and not importlib.util.find_spec("receivables.worklist"):
        pytest.skip("the worklist query comes with the screens")
    response = case.call(headers={"Authorization": f"Bearer {fuzz_token}"})
    case.validate_response(response, checks=[not_a_server_error])
