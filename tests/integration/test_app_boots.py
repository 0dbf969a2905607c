def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/p/NOPE123", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "could not find" in response.get_data(as_text=True)


def test_security_headers_are_set(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
