"""The ASGI app: the JSON API, the dashboard pages, static files and the local Vega runtime.

Errors are JSON ``{"error": message, "parameter": name}`` with a 4xx status. The
interactive docs at ``/docs`` are airace's own page built from ``/openapi.json`` (FastAPI's
Swagger UI would load its JavaScript from a CDN, and no Swagger UI assets are installed),
so the whole server works with no network.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from airace.version import __version__
from airace.web.api import ApiError
from airace.web.cache import matches
from airace.web.state import ServerState, open_state

HERE = Path(__file__).resolve().parent
MAX_QUERY = 8 * 1024  # bytes of query string
MAX_PATH = 2 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    # Vega compiles its expressions with Function(), hence 'unsafe-eval'; nothing may load
    # from another host.
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' "
        b"'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
        b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
]


def error(status: int, message: str, parameter: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "parameter": parameter}, status_code=status)


class Guard:
    """Pure ASGI middleware: refuses over-long requests (414), answers a GET whose exact URL
    was answered before from the edge cache (no routing or validation: the body cannot
    have changed, nothing writes the catalog), and adds security headers."""

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app = app
        self.state = state

    async def cached(self, scope: Scope, send: Send) -> bool:
        state = self.state
        item = state.edge.get((scope["path"], scope.get("query_string", b""), state.cache_version))
        if item is None:
            return False
        tag = None
        for name, value in scope.get("headers", ()):
            if name == b"if-none-match":
                tag = value.decode("latin-1")
        headers = [
            (b"etag", item.etag.encode()),
            (b"cache-control", b"no-cache"),
            *((k.lower().encode(), v.encode("latin-1")) for k, v in item.headers),
            *SECURITY_HEADERS,
        ]
        if matches(tag, item.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return True
        headers += [
            (b"content-type", item.media_type.encode()),
            (b"content-length", str(len(item.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": item.body})
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > MAX_QUERY or len(scope["path"]) > MAX_PATH:
            what = "query string" if len(scope["path"]) <= MAX_PATH else "path"
            limit = MAX_QUERY if what == "query string" else MAX_PATH
            response = error(414, f"{what} longer than {limit} bytes")
            await response(scope, receive, send)
            return
        if scope["method"] == "GET" and await self.cached(scope, send):
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _validation_error(exc: RequestValidationError) -> JSONResponse:
    first = (exc.errors() or [{}])[0]
    loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")]
    parameter = loc[-1] if loc else None
    if first.get("type") == "extra_forbidden":
        return error(422, f"unknown parameter {parameter!r}", parameter)
    if first.get("type") == "missing":
        return error(422, f"missing required parameter {parameter!r}", parameter)
    message = str(first.get("msg", "invalid value"))
    return error(422, f"bad value for {parameter!r}: {message}", parameter)


def create_app(state: ServerState | None = None) -> FastAPI:
    """The app over the current catalog (checked and opened read-only now, see ``open_state``)."""
    from airace.web import api, pages

    app = FastAPI(
        title="airace API",
        version=__version__,
        description="Sourced data and reproducible analyses of the AI race, read-only. "
        "Every response carries its sources, licences, snapshot ids and data version.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.airace = state or open_state()

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error(exc.status, exc.message, exc.parameter)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_error(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error(404, f"not found: {request.url.path}")
        if exc.status_code == 405:
            return error(405, f"method {request.method} not allowed here")
        return error(exc.status_code, str(exc.detail))

    app.include_router(api.router())
    app.include_router(pages.router())

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> Response:
        return pages.docs_page(request, app.openapi())

    @app.get("/static/vendor/vega-runtime.js", include_in_schema=False)
    async def vega_runtime(request: Request) -> Response:
        from fastapi.concurrency import run_in_threadpool

        from airace.web.cache import Cached, etag_of, matches

        body = await run_in_threadpool(pages.runtime_bytes)
        item = Cached(body, "text/javascript", etag_of(body, __version__))
        if matches(request.headers.get("if-none-match"), item.etag):
            return Response(status_code=304, headers={"ETag": item.etag})
        return Response(body, media_type="text/javascript", headers={"ETag": item.etag})

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(Guard, state=app.state.airace)
    return app
