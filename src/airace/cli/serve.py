"""`airace serve`: the local dashboard and JSON API (read-only over the catalog)."""

from __future__ import annotations

import errno
import socket
from typing import Any

import click

from airace.errors import AiraceError


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or one clear error when it cannot be had.

    The socket is bound here and handed to uvicorn, so "port in use" is known before
    anything is announced and no other process can take the port in between.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise AiraceError(f"cannot resolve --host {host!r}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise AiraceError(
                f"port {port} on {host} is already in use; choose another with --port"
            ) from None
        raise AiraceError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port."
)
def serve(host: str, port: int) -> None:
    """Serve the dashboard and the JSON API (/api/v1, docs at /docs) on this machine.

    The catalog is opened read-only and never written; a missing or out-of-date catalog
    is refused (run `airace data build` first). Binds 127.0.0.1 unless told otherwise.
    Prints one line with the URL when ready; Ctrl-C stops it.

    \b
    Examples:
      airace serve
      airace serve --port 8123
      curl 'http://127.0.0.1:8000/api/v1/cadence?as_of=2026-03-03&window=14M&labs=deepseek,openai'
    """
    import uvicorn

    from airace.web.app import create_app
    from airace.web.pages import runtime_bytes

    sock = bind(host, port)  # first: a port in use is reported at once
    try:
        app = create_app()
        runtime_bytes()  # bundle the Vega runtime now, not on the first page view
    except BaseException:
        sock.close()
        raise
    actual = sock.getsockname()[1]
    note = "" if host in ("127.0.0.1", "::1", "localhost") else " (reachable from other hosts)"
    line = f"airace serving on {url_of(host, actual)}{note}; Ctrl-C to stop"

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                click.echo(line, err=True)

    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", server_header=False
    )
    try:
        Server(config).run(sockets=[sock])
    finally:
        sock.close()
