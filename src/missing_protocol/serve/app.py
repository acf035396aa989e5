"""The HTTP service (Starlette): thin handlers over check, validate and the rule catalogue.

Each handler reads what `inputs` declares, calls the library in a worker thread (the work is
CPU-bound and must not stall the event loop) and answers JSON. A client's mistake is a 4xx
RFC 9457 problem document; anything else is a bare 500 with no detail, logged by type only.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from importlib import metadata, resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from missing_protocol.check import check
from missing_protocol.rules.catalogue import rules_document
from missing_protocol.serve import inputs
from missing_protocol.serve.inputs import BadRequest
from missing_protocol.serve.openapi import document as openapi_document
from missing_protocol.serve.openapi import schema_names
from missing_protocol.workflow import validate

LOG = logging.getLogger("missing_protocol.serve")
DEFAULT_MAX_BODY = 16 * 1024 * 1024  # bytes: a council's year of events fits several times
PROBLEM = "application/problem+json"

Handler = Callable[[Request], Awaitable[Response]]


def problem(
    status: int,
    detail: str,
    parameter: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": _TITLES.get(status, "Error")}
    body |= {"status": status, "detail": detail}
    if parameter is not None:
        body["parameter"] = parameter
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


_TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
}


def _answered(handler: Handler) -> Handler:
    """A client's mistake becomes its problem document; a bug a bare 500 (type logged only)."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except BadRequest as mistake:
            # After a 408 the rest of a stalled body may still come: the connection is closed.
            closing = {"Connection": "close"} if mistake.status == 408 else None
            return problem(mistake.status, mistake.detail, mistake.parameter, headers=closing)
        except ClientDisconnect:
            # The client went away mid-body: its doing, not a server error (and no one reads this).
            return problem(400, "the client closed the connection before the body was read")
        except Exception as bug:
            LOG.error("internal error on %s %s: %s", request.method, request.url.path, type(bug))
            return problem(500, "internal error")

    return wrapped


def create_app(*, max_body_bytes: int = DEFAULT_MAX_BODY) -> Starlette:
    """The ASGI application; `max_body_bytes` bounds every request body (413 beyond it)."""

    @_answered
    async def post_check(request: Request) -> Response:
        params = inputs.query(request, inputs.CHECK_QUERY)
        kind = inputs.media_type(request, inputs.CHECK_TYPES)
        body = await inputs.body_bytes(request, max_body_bytes)

        def work() -> dict[str, Any]:
            events = inputs.check_events(kind, body)
            result = check(
                events,
                as_of=params["as_of"],
                profile=params["profile"],
                assume_tz=params["assume_tz"],
            )
            return result.to_dict(only_problems=params["only_problems"])

        return JSONResponse(await run_in_threadpool(inputs.judged, work))

    @_answered
    async def post_validate(request: Request) -> Response:
        params = inputs.query(request, inputs.VALIDATE_QUERY)
        inputs.media_type(request, inputs.VALIDATE_TYPES)
        text = inputs.text_of(await inputs.body_bytes(request, max_body_bytes))

        def work() -> dict[str, Any]:
            history, event = inputs.validate_request(inputs.json_document(text))
            verdict = validate(
                history,
                event,
                as_of=params["as_of"],
                profile=params["profile"],
                assume_tz=params["assume_tz"],
            )
            return verdict.to_dict()

        return JSONResponse(await run_in_threadpool(inputs.judged, work))

    @_answered
    async def get_rules(request: Request) -> Response:
        params = inputs.query(request, inputs.RULES_QUERY)
        chosen = params["profile"]
        return JSONResponse(rules_document(chosen, chosen.at(params["as_of"])))

    @_answered
    async def get_schema(request: Request) -> Response:
        inputs.query(request, ())
        name = str(request.path_params["name"]).removesuffix(".json").removesuffix(".schema")
        if name not in schema_names():
            known = ", ".join(schema_names())
            raise BadRequest(404, f"no schema named {name!r}; known: {known}")
        path = resources.files("missing_protocol").joinpath(f"schemas/{name}.schema.json")
        return Response(path.read_bytes(), media_type="application/schema+json")

    @_answered
    async def list_schemas(request: Request) -> Response:
        inputs.query(request, ())
        return JSONResponse({"schemas": schema_names()})

    @_answered
    async def healthz(request: Request) -> Response:
        inputs.query(request, ())
        return JSONResponse({"status": "ok", "version": metadata.version("missing-protocol")})

    @_answered
    async def openapi(request: Request) -> Response:
        inputs.query(request, ())
        return JSONResponse(openapi_document(max_body_bytes))

    async def http_error(request: Request, exc: Exception) -> Response:
        # Starlette's own answers (no such route, wrong method) in the same problem form.
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = f"{request.method} {request.url.path}: {_TITLES.get(status, 'error').lower()}"
        # A 405 keeps Starlette's `Allow` header, which HTTP requires on it.
        headers = exc.headers if isinstance(exc, HTTPException) else None
        return problem(status, detail, headers=headers)

    routes = [
        Route("/v1/check", post_check, methods=["POST"]),
        Route("/v1/validate", post_validate, methods=["POST"]),
        Route("/v1/rules", get_rules, methods=["GET"]),
        Route("/v1/schemas", list_schemas, methods=["GET"]),
        Route("/v1/schemas/{name}", get_schema, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    # A path with a trailing slash is no route (404), not a redirect built from the Host header.
    app.router.redirect_slashes = False
    return app


class AccessLog:
    """ASGI middleware: one line per request with method, path, status and duration.

    The query string, headers and body are never logged: they may carry a child's id.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            LOG.info("%s %s %d %.1fms", scope["method"], _shown(scope["path"]), status, elapsed)


def _shown(path: str) -> str:
    """The path as one token of one log line: control and non-ASCII characters escaped (a CR or
    LF in a path must not forge a line), spaces as %20, and cut short (a path holds no data)."""
    escaped = path.encode("unicode_escape").decode("ascii").replace(" ", "%20")
    return escaped if len(escaped) <= 200 else escaped[:200] + "..."


def application(*, max_body_bytes: int = DEFAULT_MAX_BODY) -> ASGIApp:
    """The app as served: `create_app` wrapped in the access log."""
    return AccessLog(create_app(max_body_bytes=max_body_bytes))
