"""Chinese by default for Chinese browsers, English on request, and a footer switch that sticks."""


def test_chinese_browser_gets_chinese(client):
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "商城" in page


def test_no_preference_gets_chinese_and_english_browser_gets_english(client):
    assert "商城" in client.get("/").get_data(as_text=True)
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "My orders" not in page and "Log in" in page


def test_footer_switch_sets_a_cookie_and_only_redirects_within_the_site(client):
    response = client.get("/lang/en?next=/b/anything", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 302 and response.headers["Location"] == "/b/anything"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/lang/en?next=//evil.example/").headers["Location"] == "/"
