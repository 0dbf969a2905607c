def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/p/NOPE123", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "could not find" in response.get_data(as_text=True)


def test_security_headers_are_set(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_nul_bytes_anywhere_are_a_clear_400_not_a_database_error(client):
    for path in ("/p/%00", "/b/%00", "/o/abc%00def", "/?page=1%00"):
        assert client.get(path).status_code == 400, path
    assert client.post("/login", data={"login": "a\x00b", "password": "x"}).status_code == 400


def test_demo_partner_sees_earnings_and_share_links_in_the_top_bar(client, make, login_as):
    from mall.accounts.models import Role

    login_as(make.user(Role.PARTNER))
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/partner"' in page and 'href="/partner/share"' in page
