"""``make run`` serves the billing portal's bundle (portal/dist, built by ``make portal``) at /portal/, with the
headers CloudFront adds when deployed: a CSP without 'unsafe-inline' (Stripe.js's origin allowed, as Stripe
documents for its script and its frames), no framing, no referrer, no sniffing; and the portal's runtime
configuration, ``/portal/config.json`` (deployed: a file the stack writes beside the bundle)."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable
from pathlib import Path

PORTAL_DIST = Path(__file__).resolve().parent.parent / "portal" / "dist"
PREFIX = "/portal/"
PUBLISHABLE_KEY = "pk_test_local"  # localstripe accepts any key
Answer = tuple[int, dict[str, str], bytes]


def security_headers(stripe_origin: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; script-src 'self' {stripe_origin}; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {stripe_origin}; frame-src {stripe_origin}; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'self'; object-src 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


def portal_files(stripe_endpoint: str, dist: Path = PORTAL_DIST) -> Callable[[str], Answer]:
    """``GET /portal/<file>``: the bundle's file (index.html for the root), the configuration; 404 elsewhere."""
    headers = security_headers(stripe_endpoint)
    config = {"stripe_js": f"{stripe_endpoint}/js.stripe.com/v3/", "stripe_publishable_key": PUBLISHABLE_KEY}

    def serve(path: str) -> Answer:
        relative = path.removeprefix(PREFIX) or "index.html"
        if relative == "config.json":
            return 200, {"Content-Type": "application/json", **headers}, json.dumps(config).encode()
        target = (dist / relative).resolve()
        if not target.is_relative_to(dist.resolve()) or not target.is_file():
            if not dist.is_dir():
                message = b"The portal is not built: run make portal (make run builds it)."
                return 404, {"Content-Type": "text/plain; charset=utf-8"}, message
            return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found"
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        return 200, {"Content-Type": content_type, **headers}, target.read_bytes()

    return serve
