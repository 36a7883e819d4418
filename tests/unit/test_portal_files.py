"""make run's /portal/ files: the bundle's own files with the deployed security headers, nothing outside."""

from __future__ import annotations

from local.portal_files import portal_file


def test_the_bundle_is_served_with_a_strict_policy_and_nothing_outside_it(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>portal</title>")
    (dist / "portal.js").write_text("export {};")
    (tmp_path / "secret.txt").write_text("not for the browser")

    status, headers, body = portal_file("/portal/", dist)
    assert (status, body) == (200, b"<!doctype html><title>portal</title>")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert portal_file("/portal/portal.js", dist)[1]["Content-Type"].endswith("javascript; charset=utf-8")
    assert portal_file("/portal/../secret.txt", dist)[0] == 404
    assert portal_file("/portal/missing.js", dist)[0] == 404
    unbuilt = portal_file("/portal/", tmp_path / "nowhere")
    assert (unbuilt[0], b"make portal" in unbuilt[2]) == (404, True)
