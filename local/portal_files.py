"""``make run`` serves the billing portal's bundle (portal/dist, built by ``make portal``) at /portal/, with the
headers CloudFront adds when deployed: a CSP without 'unsafe-inline', no framing, no referrer, no sniffing."""

from __future__ import annotations

import mimetypes
from pathlib import Path

PORTAL_DIST = Path(__file__).resolve().parent.parent / "portal" / "dist"
PREFIX = "/portal/"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def portal_file(path: str, dist: Path = PORTAL_DIST) -> tuple[int, dict[str, str], bytes]:
    """``GET /portal/<file>``: the bundle's file, index.html for the portal's root; 404 outside the bundle."""
    relative = path.removeprefix(PREFIX) or "index.html"
    target = (dist / relative).resolve()
    if not target.is_relative_to(dist.resolve()) or not target.is_file():
        if not dist.is_dir():
            message = b"The portal is not built: run make portal (make run builds it)."
            return 404, {"Content-Type": "text/plain; charset=utf-8"}, message
        return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found"
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type == "application/javascript":
        content_type += "; charset=utf-8"
    return 200, {"Content-Type": content_type, **SECURITY_HEADERS}, target.read_bytes()
