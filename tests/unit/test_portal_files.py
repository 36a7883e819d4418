"""make run's /portal/ files: the bundle's own files with the deployed security headers, nothing outside."""

from __future__ import annotations

import json

from local.portal_files import portal_files

STRIPE = "http://127.0.0.1:4999"


def test_the_bundle_is_served_with_a_strict_policy_and_nothing_outside_it(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>portal</title>")
    (dist / "portal.js").write_text("export {};")
    (tmp_path / "secret.txt").write_text("not for the browser")

    portal_file = portal_files(STRIPE, dist)
    status, headers, body = portal_file("/portal/")
    assert (status, body) == (200, b"<!doctype html><title>portal</title>")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert f"script-src 'self' {STRIPE};" in headers["Content-Security-Policy"]
    assert portal_file("/portal/portal.js")[1]["Content-Type"].endswith("javascript; charset=utf-8")
    assert portal_file("/portal/../secret.txt")[0] == 404
    assert portal_file("/portal/missing.js")[0] == 404
    config = json.loads(portal_file("/portal/config.json")[2])
    assert config == {"stripe_js": f"{STRIPE}/js.stripe.com/v3/", "stripe_publishable_key": "pk_test_local"}
    unbuilt = portal_files(STRIPE, tmp_path / "nowhere")("/portal/")
    assert (unbuilt[0], b"make portal" in unbuilt[2]) == (404, True)
