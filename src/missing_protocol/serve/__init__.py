"""The HTTP service (extra `serve`): `missing-protocol serve`, thin over check, validate and rules.

Starlette gives routing and request/response types on the ASGI standard with one dependency
(anyio); uvicorn runs it. Importing this package needs the extra; nothing in the core imports it.
"""

from __future__ import annotations

import logging

from missing_protocol.serve.app import DEFAULT_MAX_BODY, application, create_app

__all__ = ["DEFAULT_MAX_BODY", "application", "create_app", "run"]


def run(
    host: str = "127.0.0.1", port: int = 8080, *, max_body_bytes: int = DEFAULT_MAX_BODY
) -> None:
    """Serve on host:port with one worker until interrupted; one log line per request."""
    import uvicorn

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # uvicorn's own access log prints the query string; ours prints method, path, status, time.
    uvicorn.run(
        application(max_body_bytes=max_body_bytes),
        host=host,
        port=port,
        access_log=False,
        log_level="info",
        server_header=False,
    )
