"""Property-based API tests generated from the dashboard's OpenAPI document (schemathesis + hypothesis)."""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import (content_type_conformance, not_a_server_error,  # noqa: E402
                                 response_schema_conformance, status_code_conformance)

from frontline.web.app import create_app  # noqa: E402  (no Host check: schemathesis calls it 'testserver')

from test_web_api import seed_store  # noqa: E402


def test_api_follows_its_openapi_document(seeds, tmp_path_factory):
    """Generated GET requests for every operation: never a server error; status codes, content types and
    bodies as the OpenAPI document says."""
    app = create_app(seed_store(seeds, tmp_path_factory))
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app).include(method="GET")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                           response_schema_conformance])
        check()
