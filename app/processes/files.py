"""Diagram files served for saving, never as pages."""

from __future__ import annotations

from io import BytesIO

from flask import Response, send_file


def download(text: str, filename: str) -> Response:
    """A file to save, never a page: a diagram is text anyone who can publish may write, and
    served as XML a browser would run any XHTML script inside it on our origin. So: a type
    no browser renders, an attachment, and a policy that sandboxes it if opened anyway."""
    response = send_file(
        BytesIO(text.encode("utf-8")),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=filename,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
