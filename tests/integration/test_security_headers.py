"""Talisman's headers, kept per page kind (mall/security_headers.py): HSTS only over https, a page with its own
CSP keeps it, every other page the mall's."""
from mall.csp import CSP


def test_hsts_is_sent_over_https_only_though_the_headers_are_kept_per_page(client, make):
    make.product()
    plain = client.get("/")
    secure = client.get("/", headers={"X-Forwarded-Proto": "https"})
    again = client.get("/")
    assert "Strict-Transport-Security" in secure.headers
    assert "Strict-Transport-Security" not in plain.headers and "Strict-Transport-Security" not in again.headers
    assert plain.headers["Content-Security-Policy"] == secure.headers["Content-Security-Policy"]
    assert f"script-src {CSP['script-src']}" in plain.headers["Content-Security-Policy"]
    assert plain.headers["X-Frame-Options"] == "SAMEORIGIN" and plain.headers["X-Content-Type-Options"] == "nosniff"


def test_a_page_with_its_own_policy_is_not_given_the_malls(client, make, db):
    from mall.live.page import room_policy
    from tests.integration.live_support import Room

    room = Room(make, db.session)
    client.get("/")  # the mall's headers worked out first
    response = client.get(f"/l/{room.room.code}")
    assert response.headers["Content-Security-Policy"] == room_policy(room.room)
