"""Security headers on every response, and the per-request nonce that lets the pages' own
inline script and fallback style run under a Content-Security-Policy without 'unsafe-inline'."""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, request

from app.api.errors import is_api_request

# A response that set its own policy keeps it (a diagram download is sandboxed harder).
POLICY_HEADER = "Content-Security-Policy"

# Only our own origin, no plug-ins, no <base> rewriting, never framed. No inline script or
# style but the nonce'd ones, and no style attributes: bpmn-js sets its styles through the
# DOM (which a policy does not govern), so it draws without them (tests/browser/test_csp.py).
_POLICY = (
    "default-src 'self'",
    "script-src 'self'{nonce}",
    "style-src 'self'{nonce}",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)

_ALWAYS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: Flask-WTF checks the Referer of form posts over HTTPS.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
}

HSTS = "max-age=31536000; includeSubDomains"
_NONCE_KEY = "casework.csp_nonce"


def init_headers(app: Flask) -> None:
    """Register the nonce for templates (`cspNonce`, read by the GOV.UK page template) and
    the hook that adds the headers to every response."""
    app.context_processor(lambda: {"cspNonce": csp_nonce()})
    app.after_request(add_security_headers)


def csp_nonce() -> str:
    """This request's nonce, made on first use; the policy names it only if a page used it.

    Kept in the request's environ, not `g`: `g` belongs to the app context, which a test (or
    any code holding one open) shares between requests."""
    nonce: str = request.environ.setdefault(_NONCE_KEY, secrets.token_urlsafe(18))
    return nonce


def content_security_policy(nonce: str | None) -> str:
    source = f" 'nonce-{nonce}'" if nonce else ""
    return "; ".join(directive.format(nonce=source) for directive in _POLICY)


def add_security_headers(response: Response) -> Response:
    """Every response: the policy, frame and sniffing protection, referrer and opener rules;
    HSTS in production; no caching of anything but static files, because child data is on
    every page and API answer; and API answers marked as files."""
    if POLICY_HEADER not in response.headers:
        response.headers[POLICY_HEADER] = content_security_policy(request.environ.get(_NONCE_KEY))
    for name, value in _ALWAYS.items():
        response.headers.setdefault(name, value)
    if current_app.extensions["settings"].is_production:
        response.headers["Strict-Transport-Security"] = HSTS
    if not _is_static():
        response.headers["Cache-Control"] = "no-store"
    if is_api_request(request.path):
        # JSON opened in a browser tab is saved, not rendered, whatever a value inside it holds.
        response.headers.setdefault("Content-Disposition", 'attachment; filename="api.json"')
    return response


def _is_static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")
