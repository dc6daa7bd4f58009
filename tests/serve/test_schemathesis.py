"""Property-based API tests from the app's own OpenAPI document: no request is a 5xx,
and every response matches its declared schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance


@pytest.fixture(scope="module")
def api_schema(make_settings, serve_bundle):
    from serve.app import create_app

    app = create_app(make_settings(serve_bundle, max_chars=2000, max_batch_docs=8))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    # schemathesis keeps each app's lifespan running until the process exits.
    from schemathesis.python import asgi

    shutdown = getattr(asgi, "shutdown_lifespans", None)
    if shutdown is not None:
        shutdown()


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_request_is_a_server_error(api_schema, mode):
    """Every operation, schema-valid bodies (positive) and schema-breaking ones (negative)."""
    strategy = api_schema.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

    @given(case=strategy)
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case):
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

    check()
