"""The OpenAPI 3.1 document, built from the same declarations the handlers read.

Query parameters and accepted content types come from `inputs`; response bodies are the shipped
JSON Schemas (OpenAPI 3.1 takes JSON Schema 2020-12 as it is, `$id` and all), so the document
cannot drift from what the endpoints do.
"""

from __future__ import annotations

import functools
import json
from importlib import metadata, resources
from typing import Any

from missing_protocol.serve import inputs
from missing_protocol.serve.inputs import QueryParameter

SCHEMAS = {"Event": "event", "CheckResult": "check-result", "Verdict": "verdict"}


def schema_names() -> list[str]:
    """The shipped JSON Schemas, by the name `GET /v1/schemas/{name}` takes."""
    folder = resources.files("missing_protocol").joinpath("schemas")
    return sorted(
        item.name.removesuffix(".schema.json")
        for item in folder.iterdir()
        if item.name.endswith(".schema.json")
    )


@functools.cache
def shipped_schema(name: str) -> dict[str, Any]:
    text = resources.files("missing_protocol").joinpath(f"schemas/{name}.schema.json")
    loaded: dict[str, Any] = json.loads(text.read_text("utf-8"))
    return loaded


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _parameters(declared: tuple[QueryParameter, ...]) -> list[dict[str, Any]]:
    return [
        {"name": p.name, "in": "query", "required": False, "description": p.description}
        | {"schema": dict(p.schema)}
        for p in declared
    ]


def _problems(*statuses: int) -> dict[str, Any]:
    why = {
        400: "Invalid JSON, a wrong shape, an unknown or repeated query parameter, an unknown "
        "profile or assume_tz zone, a bad as_of.",
        404: "No such schema.",
        408: "The body was not received in time.",
        413: "The body is over the server's limit.",
        415: "A content type the operation does not take, or a content coding (gzip...).",
    }
    return {
        str(s): {
            "description": why[s],
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
        for s in statuses
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _paths(max_body_bytes: int) -> dict[str, Any]:
    limit = f" Bodies over {max_body_bytes} bytes are refused (413)."
    events = {"type": "array", "items": _ref("Event")}
    check_body = {inputs.JSON: {"schema": events}} | {
        kind: {"schema": {"type": "string", "description": "JSON Lines: one event per line."}}
        for kind in inputs.JSON_LINES
    }
    validate_body = {
        "type": "object",
        "required": ["event"],
        "additionalProperties": False,
        "properties": {"history": events, "event": _ref("Event")},
    }
    rules = {
        "type": "object",
        "required": ["profile", "rules", "parameters"],
        "properties": {
            "profile": {"type": "string"},
            "rules": {"type": "array", "items": {"type": "object"}},
            "parameters": {"type": "object"},
        },
    }
    return {
        "/v1/check": {
            "post": {
                "operationId": "check",
                "summary": "Judge an event log (CONTRACT §3), as `missing-protocol check`.",
                "description": "A JSON array or JSON Lines. Rejected events are listed in "
                "`errors` (200), as the CLI lists them; only an unreadable body is a 4xx." + limit,
                "parameters": _parameters(inputs.CHECK_QUERY),
                "requestBody": {"required": True, "content": check_body},
                "responses": {"200": _json(_ref("CheckResult"), "The check result.")}
                | _problems(400, 408, 413, 415),
            }
        },
        "/v1/validate": {
            "post": {
                "operationId": "validate",
                "summary": "May this event join the episode's accepted events?",
                "description": "The verdict of `missing_protocol.validate`: accepted or the "
                "errors, state before and after, what may follow, the episode's duties." + limit,
                "parameters": _parameters(inputs.VALIDATE_QUERY),
                "requestBody": {
                    "required": True,
                    "content": {inputs.JSON: {"schema": validate_body}},
                },
                "responses": {"200": _json(_ref("Verdict"), "The verdict.")}
                | _problems(400, 408, 413, 415),
            }
        },
        "/v1/rules": {
            "get": {
                "operationId": "rules",
                "summary": "The rule catalogue in force, as `missing-protocol rules --format json`.",
                "parameters": _parameters(inputs.RULES_QUERY),
                "responses": {"200": _json(rules, "The catalogue.")} | _problems(400),
            }
        },
        "/v1/schemas": {
            "get": {
                "operationId": "schemas",
                "summary": "The names of the shipped JSON Schemas.",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["schemas"],
                            "properties": {
                                "schemas": {"type": "array", "items": {"type": "string"}}
                            },
                        },
                        "The names.",
                    )
                }
                | _problems(400),
            }
        },
        "/v1/schemas/{name}": {
            "get": {
                "operationId": "schema",
                "summary": "One shipped JSON Schema (draft 2020-12).",
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": schema_names()},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The schema.",
                        "content": {"application/schema+json": {"schema": {"type": "object"}}},
                    }
                }
                | _problems(400, 404),
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Liveness: the service answers.",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["status", "version"],
                            "properties": {
                                "status": {"const": "ok"},
                                "version": {"type": "string"},
                            },
                        },
                        "Up.",
                    )
                }
                | _problems(400),
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document.",
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1.")} | _problems(400),
            }
        },
    }


PROBLEM_SCHEMA: dict[str, Any] = {
    "description": "RFC 9457 problem details: `detail` names what is wrong.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "minLength": 1},
        "parameter": {"type": "string", "description": "The query parameter at fault."},
    },
}


@functools.cache
def document(max_body_bytes: int) -> dict[str, Any]:
    """The whole OpenAPI document for a server with this body limit."""
    components = {key: shipped_schema(name) for key, name in SCHEMAS.items()}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "missing-protocol",
            "version": metadata.version("missing-protocol"),
            "description": "Check event logs and validate one event at a time against the "
            "English protocol for children missing from home or care. See docs/embedding.md.",
        },
        "servers": [{"url": "/"}],
        "paths": _paths(max_body_bytes),
        "components": {"schemas": components | {"Problem": PROBLEM_SCHEMA}},
    }
