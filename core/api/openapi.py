"""The OpenAPI 3.1 document of /api/v1/, generated from the instruments' declared sheets.

Nothing here is written twice: each declared sheet's columns (kind, required, bounds, allowed values, school
years) become the JSON Schema of its rows, for reading and for writing.
"""
from __future__ import annotations

from typing import Any

from core.excel.export import school_years
from core.excel.spec import Column, Kind, SheetSpec, format_value

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
PROBLEM = {"$ref": "#/components/schemas/Problem"}
PAGE_PARAMS = [
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
    {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "The value from `next` of the previous page (opaque)."},
]


_INTEGER = {"type": "integer"}
WRITE_RESULT = {"type": "object", "required": ["new", "changed", "unchanged"],
                "properties": {"dry_run": {"type": "boolean"}, "new": _INTEGER, "changed": _INTEGER,
                               "unchanged": _INTEGER}}
JOB_REF = {"$ref": "#/components/schemas/Job"}
JOB = {"type": "object", "required": ["id", "state", "location"], "properties": {
    "id": {"type": "string"},
    "state": {"type": "string", "enum": ["queued", "running", "done", "failed", "killed"]},
    "location": {"type": "string", "description": "This job's status URL"},
    "rows": {"type": "object", "properties": {"read": _INTEGER, "validated": _INTEGER, "written": _INTEGER}},
    "status": {"type": ["integer", "null"],
               "description": "Once ended: the HTTP status the write answers (200, or that of the problem)"},
    "result": {"anyOf": [{"$ref": "#/components/schemas/WriteResult"}, PROBLEM, {"type": "null"}],
               "description": "Once ended: the body a batch written in the request answers"}}}


def _bound(value: Any) -> Any:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def column_input_schema(col: Column) -> dict:
    """What a batch row may hold in this column."""
    kind = col.kind
    if kind == Kind.INTEGER:
        schema: dict = {"type": "integer"}
    elif kind == Kind.DECIMAL:
        schema = {"type": ["string", "number"], "description": "A decimal number; send money as a string "
                                                               "(\"12.50\") to keep it exact."}
    elif kind == Kind.BOOLEAN:
        schema = {"type": "boolean"}
    elif kind == Kind.DATE:
        schema = {"type": "string", "format": "date"}
    elif kind == Kind.SCHOOL_YEAR:
        schema = {"type": "string", "enum": school_years(col)}
    elif kind == Kind.ENUM:
        schema = {"type": "string", "enum": list(col.choices)}
    elif kind == Kind.CBS_CODE:
        schema = {"type": "string", "pattern": "^GM[0-9]{4}$"}
    elif kind == Kind.BRIN:
        schema = {"type": "string", "pattern": "^[0-9]{2}[A-Z]{2}$"}
    else:  # TEXT, ORGANISATION
        schema = {"type": "string", "minLength": 1}
        if col.max_length:
            schema["maxLength"] = col.max_length
    if kind in (Kind.INTEGER, Kind.DECIMAL):
        if _bound(col.minimum) is not None:
            schema["minimum"] = col.minimum
        if _bound(col.maximum) is not None:
            schema["maximum"] = col.maximum
    bounds = [f"minimum {format_value(col.minimum)}" if col.minimum is not None else "",
              f"maximum {format_value(col.maximum)}" if col.maximum is not None else ""]
    schema["title"] = col.header
    description = "; ".join(p for p in (str(col.help), *bounds) if p)
    if description and "description" not in schema:
        schema["description"] = description
    if not col.required:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return schema


def sheet_schemas(spec: SheetSpec) -> tuple[dict, dict]:
    """(row to write, row as read) for a sheet. Read rows may hold text where a hook publishes it ("<5")."""
    imported = [c for c in spec.imported_columns]
    write = {"type": "object", "additionalProperties": False,
             "properties": {c.key: column_input_schema(c) for c in imported},
             "required": [c.key for c in imported if c.required]}
    scalar = {"type": ["string", "number", "integer", "boolean", "null"]}
    read = {"type": "object", "properties": {c.key: {**scalar, "title": c.header} for c in spec.columns},
            "required": [c.key for c in spec.columns]}
    return write, read


def _problem_responses(*codes: int) -> dict:
    return {str(code): {"description": "Problem details (RFC 9457)",
                        "content": {"application/problem+json": {"schema": PROBLEM}}} for code in codes}


def _list_op(summary: str, item: dict, params: list | None = None) -> dict:
    return {"get": {"summary": summary, "parameters": PAGE_PARAMS + (params or []),
                    "responses": {"200": {"description": "A page", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["data", "next"],
                        "properties": {"data": {"type": "array", "items": item},
                                       "next": {"type": ["string", "null"]}}}}}},
                                  **_problem_responses(400, 401, 429)}}}


def document(registry, *, base_url: str = "") -> dict:
    """The whole OpenAPI document for the instruments in `registry`."""
    text, integer = {"type": "string"}, {"type": "integer"}
    row_id = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    region = {"type": "object", "properties": {"slug": text, "name": text, "rmc_code": text}}
    organisation = {"type": "object", "properties": {"id": integer, "identifier": text, "kind": text, "name": text}}
    agreement = {"type": "object", "properties": {"id": integer, "region": text, "instrument": text, "title": text,
                                                  "status": text, "version": integer, "fingerprint": text}}
    paths: dict = {
        "/regions": _list_op("The regions of the token's organisation", region),
        "/organisations": _list_op("Organisations the token's organisation may see", organisation,
                                   [{"name": "kind", "in": "query", "required": False, "schema": text}]),
        "/organisations/{org_id}": {"get": {
            "summary": "One organisation", "parameters": [{"name": "org_id", "in": "path", "required": True,
                                                           "schema": row_id}],
            "responses": {"200": {"description": "The organisation",
                                  "content": {"application/json": {"schema": organisation}}},
                          **_problem_responses(401, 404, 429)}}},
        "/instruments": _list_op("Instruments the token reaches", {"type": "object"}),
        "/agreements": _list_op("Agreements with status and fingerprint", agreement,
                                [{"name": "instrument", "in": "query", "required": False, "schema": text}]),
        "/agreements/{agreement_id}": {"get": {
            "summary": "One agreement", "parameters": [{"name": "agreement_id", "in": "path", "required": True,
                                                        "schema": row_id}],
            "responses": {"200": {"description": "The agreement",
                                  "content": {"application/json": {"schema": agreement}}},
                          **_problem_responses(401, 404, 429)}}},
    }
    schemas: dict = {"Problem": {"type": "object", "required": ["type", "title", "status"], "properties": {
        "type": text, "title": text, "status": integer, "detail": text, "instance": text,
        "errors": {"type": "array", "items": {"type": "object", "properties": {"pointer": text, "detail": text}}}}},
        "WriteResult": WRITE_RESULT, "Job": JOB}
    paths["/jobs/{job_id}"] = {"get": {
        "summary": "A batch write that runs as a job: its state and, once ended, its answer",
        "description": "For the tokens of the organisation whose token sent the batch; others get 404. Ask again "
                       "after Retry-After seconds while `status` is null.",
        "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": text}],
        "responses": {"200": {"description": "The job", "content": {"application/json": {"schema": JOB_REF}}},
                      **_problem_responses(401, 404, 429)}}}
    for entry in registry.ordered():
        for spec in entry.sheets:
            write, read = sheet_schemas(spec)
            name = f"{entry.key}.{spec.name}"
            schemas[f"{name}.row"], schemas[f"{name}.read"] = write, read
            filters = [{"name": c.key, "in": "query", "required": False, "schema": text} for c in spec.columns]
            op = _list_op(f"{spec.title} ({entry.info.name})", {"$ref": f"#/components/schemas/{name}.read"},
                          [{"name": "region", "in": "query", "required": False, "schema": text}, *filters])
            op["get"]["responses"].update(_problem_responses(404))
            if spec.permission and spec.model is not None:
                op["post"] = {
                    "summary": f"Write rows of {spec.title}: all or nothing, an upsert on "
                               f"{', '.join(spec.natural_key) or 'the rows'}",
                    "parameters": [{"name": "dry_run", "in": "query", "required": False,
                                    "schema": {"type": "string", "enum": ["0", "1"]}},
                                   {"name": "region", "in": "query", "required": False, "schema": text},
                                   {"name": "Idempotency-Key", "in": "header", "required": False,
                                    "description": "The same key with the same request answers the first "
                                                   "response again without writing; with another request: 422",
                                    "schema": {"type": "string", "minLength": 1, "maxLength": 255}}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["rows"], "properties": {"rows": {
                            "type": "array", "items": {"$ref": f"#/components/schemas/{name}.row"}}}}}}},
                    "responses": {"200": {"description": "What was (or, in a dry run, would be) written",
                                          "content": {"application/json": {"schema": {
                                              "$ref": "#/components/schemas/WriteResult"}}}},
                                  "202": {"description": "A large batch (more rows than the platform's job "
                                                         "threshold) is written by a job: Location is its status "
                                                         "URL (GET /jobs/{job_id})",
                                          "headers": {"Location": {"schema": text}},
                                          "content": {"application/json": {"schema": JOB_REF}}},
                                  **_problem_responses(400, 401, 404, 409, 422, 429)}}
            paths[f"/datasets/{entry.key}/{spec.name}"] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Regioplatform API", "version": "1",
                 "description": "Generated from the instruments' declared sheets. Authenticate with "
                                "`Authorization: Bearer <token>` (an organisation's API key)."},
        "servers": [{"url": base_url.rstrip("/") + "/api/v1"}],
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": paths,
    }
