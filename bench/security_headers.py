"""What the security headers and the request-size check cost.

1. Header bytes: how many bytes of security headers a page response carries.
2. Hook time: microseconds per call of the after-request hook that adds them (nonce included).
3. Page time: median time of GET /login through the Flask test client, with and without the
   hook, over N requests each (alternating, after a warm-up).
4. Refusal time: median time for a 3 MB form post to be refused with 413 (the whole request
   through the test client), against the time reading and parsing that body alone takes
   when the limit is raised above it.

Usage: .venv/bin/python -m bench.security_headers [--n 500]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import timeit
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, request
from flask.testing import FlaskClient

from app import create_app
from app.config import ROOT, Settings
from app.headers import HSTS, add_security_headers

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Permissions-Policy",
    "Cache-Control",
)
THREE_MB = 3 * 1024 * 1024


def build(tmp: Path, **settings: object) -> Flask:
    return create_app(
        Settings(
            env="test",
            secret_key="bench",
            database_url=f"sqlite:///{tmp / 'bench.db'}",
            processes_dir=ROOT / "processes",
            instance_dir=tmp,
            **settings,  # type: ignore[arg-type]
        ),
        WTF_CSRF_ENABLED=False,
    )


def median_ms(client: FlaskClient, n: int, call: str, **kwargs: object) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        getattr(client, call)(**kwargs)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500)
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        client = app.test_client()
        page = client.get("/login")
        size = sum(len(f"{name}: {page.headers[name]}\r\n") for name in SECURITY_HEADERS)
        hsts = len(f"Strict-Transport-Security: {HSTS}\r\n")
        print(f"security headers on a page: {size} bytes (+{hsts} in production for HSTS)")

        with app.test_request_context("/login"):
            response = app.response_class("x")
            per_call = timeit.timeit(lambda: add_security_headers(response), number=n * 20) / (n * 20)
        print(f"after-request hook: {per_call * 1e6:.1f} µs a response")

        hooks = app.after_request_funcs[None]
        median_ms(client, 50, "get", path="/login")
        with_hook, without_hook = [], []
        for _ in range(5):
            with_hook.append(median_ms(client, n // 5, "get", path="/login"))
            hooks.remove(add_security_headers)
            without_hook.append(median_ms(client, n // 5, "get", path="/login"))
            hooks.append(add_security_headers)
        print(
            f"GET /login median: {statistics.median(with_hook):.2f} ms with the headers, "
            f"{statistics.median(without_hook):.2f} ms without"
        )

        body = {"email": "x" * THREE_MB, "password": "demo"}
        raw = urlencode(body).encode()  # encoded once, so the client's own work is not timed
        form = "application/x-www-form-urlencoded"
        refused = median_ms(client, 20, "post", path="/login", data=raw, content_type=form)
        roomy = build(Path(tmp), max_request_bytes=8 * 1024 * 1024)
        parse = []
        for _ in range(20):
            with roomy.test_request_context("/login", method="POST", data=body):
                start = time.perf_counter()
                _ = request.form["email"]
                parse.append((time.perf_counter() - start) * 1000)
        print(
            f"3 MB form post: refused with 413 in {refused:.1f} ms (whole request); "
            f"reading and parsing that body alone takes {statistics.median(parse):.1f} ms"
        )


if __name__ == "__main__":
    main()
