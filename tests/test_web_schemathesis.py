"""Property-based API tests generated from the dashboard's OpenAPI document (schemathesis)."""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import (content_type_conformance, not_a_server_error,  # noqa: E402
                                 response_schema_conformance, status_code_conformance)

from frontline.web.server import build  # noqa: E402

from test_web_api import seed_store  # noqa: E402


@pytest.fixture(scope="module")
def api_schema(seeds, tmp_path_factory):
    app = build(seed_store(seeds, tmp_path_factory))
    return schemathesis.openapi.from_asgi("/api/openapi.json", app).include(method="GET")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_follows_its_openapi_document(case):
    """Generated GET requests: never a server error; status codes and bodies as documented."""
    case.call_and_validate(headers={"host": "127.0.0.1"},
                           checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance])
