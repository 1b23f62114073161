"""Run the dashboard with uvicorn: in the foreground (``frontline serve``) or in a background thread
(tests and the benchmark) on a socket bound before the server starts, so port 0 is race-free."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _allowed_hosts(host: str) -> list[str]:
    if host in ("0.0.0.0", "::"):
        return ["*"]
    return sorted({host, "127.0.0.1", "localhost", "::1"})


def host_name(header: str) -> str:
    """The host part of a Host header: 'a.b:80' -> 'a.b', '[::1]:80' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheck:
    """ASGI middleware: answer 400 unless the Host header names this server (no DNS rebinding)."""

    def __init__(self, app, allowed: list[str]):
        self.app = app
        self.allowed = {host_name(h) for h in allowed}

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and "*" not in self.allowed:
            headers = dict(scope.get("headers") or [])
            host = host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.allowed:
                from starlette.responses import PlainTextResponse

                await PlainTextResponse("Invalid host header", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def build(db, *, host: str = "127.0.0.1", **options):
    from .app import create_app

    app = create_app(db, **options)
    # a page on another site cannot reach this server through DNS rebinding: the Host header must be ours
    app.add_middleware(HostCheck, allowed=_allowed_hosts(host))
    return app


def serve_forever(db: str | Path, *, host: str = "127.0.0.1", port: int = 8050, quiet: bool = False,
                  **options) -> None:
    app = build(db, host=host, **options)
    sock = _bind(host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {host}, not loopback: anyone who can reach this machine can read the store"
              + (" and ingest files" if options.get("allow_ingest") else ""), flush=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"frontline dashboard on http://{shown}:{sock.getsockname()[1]}/  "
          f"({'read-write: ingest allowed' if options.get('allow_ingest') else 'read-only'}; Ctrl-C stops)",
          flush=True)
    config = uvicorn.Config(app, log_level="warning" if quiet else "info", access_log=not quiet, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


class BackgroundServer:
    """``with BackgroundServer(db) as url: ...`` serves on a free loopback port in a thread."""

    def __init__(self, db: str | Path, host: str = "127.0.0.1", port: int = 0, **options):
        self.app = build(db, host=host, **options)
        self.sock = _bind(host, port)
        self.url = f"http://{host}:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("the dashboard server did not start")
            time.sleep(0.02)
        return self.url

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
