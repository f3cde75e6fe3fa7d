"""/api/v1/openapi.json is generated from the declared sheets, and the API keeps to it: a short schemathesis run
(a few examples per operation) finds no server error and no response that breaks the document."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.plugins.hello.sheets import GREETINGS

from .conftest import make_token

schemathesis = pytest.importorskip("schemathesis")


def test_the_document_is_generated_from_the_declared_sheets(world):
    client = world.app.test_client()
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    row = doc["components"]["schemas"][f"hello.{GREETINGS.name}.row"]
    assert set(row["required"]) == {c.key for c in GREETINGS.imported_columns if c.required}
    school_year = row["properties"]["school_year"]
    assert school_year["enum"][0] == "2015-2016"  # the column's minimum school year
    sent = row["properties"]["sent"]["anyOf"][0]  # optional: null allowed
    assert (sent["type"], sent["minimum"]) == ("integer", 0)
    assert f"/datasets/hello/{GREETINGS.name}" in doc["paths"]
    post = doc["paths"][f"/datasets/hello/{GREETINGS.name}"]["post"]["responses"]
    assert post["202"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Job"}
    assert "/jobs/{job_id}" in doc["paths"]  # a large batch's status URL
    page = client.get("/api/v1/")
    assert page.status_code == 200 and "school_year" in page.get_data(as_text=True)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(world):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                                   status_code_conformance)

    secret = make_token(world, "beheer-utrecht@example.nl", "GM0344", scopes={"hello": "write"})
    world.app.config["API_JOB_MIN_ROWS"] = 2  # batches of three rows or more answer 202 with a job (inline)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", world.app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    wanted = {"/regions", "/organisations", "/organisations/{org_id}", "/agreements", "/instruments",
              f"/datasets/hello/{GREETINGS.name}", "/jobs/{job_id}"}
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path in wanted]
    assert len(operations) == 8  # the dataset's GET and POST

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=checks)

        run()
