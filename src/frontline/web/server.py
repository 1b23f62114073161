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
    return sorted({host, "127.0.0.1", "localhost", "[::1]", "::1"})


def build(db, *, host: str = "127.0.0.1", **options):
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    from .app import create_app

    app = create_app(db, **options)
    # a page on another site cannot reach this server through DNS rebinding: the Host header must be ours
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=_allowed_hosts(host))
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
