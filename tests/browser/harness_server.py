"""A tiny threaded static server for the front-end bundles, independent of the Flask app.

Serves the harness pages (tests/browser/harness/), app/static/ (the built bundles and the
GOV.UK styles), the shipped diagrams, and a fake designer bundle and save endpoint, every answer
under the app's Content-Security-Policy.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent / "harness"

# The policy the app sends (app/headers.py), less the nonce: the harness has no inline script.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'"
)

MOUNTS = {
    "/harness/": HARNESS,
    "/static/": ROOT / "app" / "static",
    "/processes/": ROOT / "processes",
    "/forms/": ROOT / "forms",
}


@dataclass
class FakeBackend:
    """What GET /api/bundle answers, and what POST /api/save answers and received."""

    bundle: dict[str, Any] = field(default_factory=dict)
    save_answers: list[tuple[int, Any]] = field(default_factory=list)
    saves: list[dict[str, Any]] = field(default_factory=list)

    def answer_save(self) -> tuple[int, Any]:
        if self.save_answers:
            return self.save_answers.pop(0)
        return 200, {"saved": True, "problems": []}


class _Handler(BaseHTTPRequestHandler):
    backend: FakeBackend

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/api/bundle":
            self._send(200, json.dumps(self.backend.bundle).encode(), "application/json")
            return
        for prefix, folder in MOUNTS.items():
            if path.startswith(prefix):
                target = (folder / path[len(prefix) :]).resolve()
                if target.is_relative_to(folder.resolve()) and target.is_file():
                    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                    self._send(200, target.read_bytes(), kind)
                    return
        self._send(404, b"Not found", "text/plain")

    def do_POST(self) -> None:
        if self.path != "/api/save":
            self._send(404, b"Not found", "text/plain")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.backend.saves.append({"headers": dict(self.headers.items()), "body": body.decode()})
        status, answer = self.backend.answer_save()
        payload = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
        self._send(status, payload, "application/json" if not isinstance(answer, str) else "text/html")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class HarnessServer:
    def __init__(self) -> None:
        self.backend = FakeBackend()
        handler = type("Handler", (_Handler,), {"backend": self.backend})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> HarnessServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
