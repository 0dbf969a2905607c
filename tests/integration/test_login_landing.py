"""Issue 16: after logging in each role lands where it works; a consumer goes back where they came from."""
import pytest

from mall.accounts.models import Role
from tests.conftest import csrf_from
from tests.factories import PASSWORD
from tests.integration.referral_data import partner

EN = {"Accept-Language": "en"}


def log_in(client, user, next_url=None):
    url = f"/login?next={next_url}" if next_url else "/login"
    token = csrf_from(client.get(url, headers=EN).get_data(as_text=True))
    response = client.post(url, data={"login": user.login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("role, landing", [
    (Role.CONSUMER, "/"),
    (Role.PARTNER, "/partner"),
    (Role.BRAND_ADMIN, "/admin/"),
])
def test_each_role_lands_where_it_works(client, db, make, role, landing):
    brand = make.brand()
    user = make.user(role, brand=brand if role == Role.BRAND_ADMIN else None)
    if role == Role.PARTNER:
        partner(make, brand, user=user)
    for next_url in (None, "/"):  # the header's link from the home page says next=/
        assert log_in(client, user, next_url) == landing
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})


def test_a_page_to_go_back_to_wins_for_everyone(client, db, make):
    admin = make.user(Role.BRAND_ADMIN, brand=make.brand())
    assert log_in(client, admin, "/p/ABC123") == "/p/ABC123"


def test_header_links_put_the_roles_own_link_first_and_log_out_last(client, db, make, login_as):
    brand = make.brand()
    user = make.user(Role.PARTNER)
    partner(make, brand, user=user)
    login_as(user)
    page = client.get("/", headers=EN).get_data(as_text=True)
    nav = page[page.index('class="topnav"'):page.index("</nav>")]
    assert nav.index("Earnings") < nav.index("My orders") < nav.index("Log out")
    assert nav.rstrip().endswith("</form>")  # nothing after "log out"
