"""The authorization walk: every admin URL the app has, as every role.

The URLs are not listed here: they are read from app.url_map (every endpoint under "admin."), so a route
added tomorrow is walked too. Its URL variables are filled with the ids of brand B's records
(tests/integration/route_walk.py, Walk.values); a route with a variable nobody has named yet fails the walk, saying where to add it.

Expected: a guest is sent to log in; consumers, partners, guides and store managers get 403; brand A's
admin gets 404 on every URL that names a record of brand B (and their own, empty, lists elsewhere);
brand B's admin and a platform admin open every page (never a 403, 404 or 500), and a GET of a
POST-only URL is 405; a POST without a CSRF token is 400 and changes nothing. Brand A's admin naming
their own order or store with brand B's refund or guide under it gets 404 too. Pages only the platform runs
(the blueprints that run mall.admin.access.require_platform_admin, such as a brand's commission cap) answer 403
to every brand admin, brand B's included, and open for the platform admin.
"""
import pytest

from mall.accounts.models import Role
from tests.conftest import csrf_from
from tests.integration.admin_support import EN, platform_only
from tests.integration.route_walk import Walk, audit_count, nothing_changed, send, token, urls_of

# Roles refused outright, whatever the URL; guides and managers work in one of brand B's stores.
REFUSED = [Role.CONSUMER, Role.PARTNER, Role.GUIDE, Role.STORE_MANAGER]
# What a page the admin may open answers: the page, a redirect, or (for a GET of a POST-only URL) 405.
OPENS = {200, 302, 303, 405}


def probes(walk) -> dict[str, list[str]]:
    """Lists whose filters show more of what they hold: brand A's admin also asks for them this way."""
    return {
        "/admin/reports": [f"dimension={d}" for d in ("store", "guide", "sharer", "channel")],
        "/admin/reports/export.csv": [f"dimension={d}" for d in ("store", "sharer")],
        "/admin/orders": ["status=paid", f"store={walk.store.id}", "channel=link"],
        "/admin/customers": [f"phone={walk.books.buyer.phone}"],
        "/admin/products": [f"q={walk.product.code}"],
    }


@pytest.fixture()
def walk(make, db):
    return Walk(make, db.session)


def admin_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]
    assert len(rules) >= 19, "the walk found fewer admin routes than the app had when it was written"
    return sorted(rules, key=lambda rule: rule.rule)


def platform_urls(app, walk) -> set[tuple[str, str]]:
    """(method, url) of the pages marked platform-only: every brand admin gets 403 there."""
    return {(method, url) for rule in admin_rules(app)
            if platform_only(app, rule.endpoint)
            for url in urls_of(rule, walk.values()) for method in ("GET", "POST") if method in rule.methods}


def names_a_record(rule, values) -> bool:
    return bool(set(rule.arguments) & set(values))


def urls(app, walk):
    """(method, url, names_a_record) for every admin route: GET for pages, POST for actions."""
    values = walk.values()
    found = []
    for rule in admin_rules(app):
        for url in urls_of(rule, values):
            for method in ("GET", "POST"):
                if method in rule.methods:
                    found.append((method, url, names_a_record(rule, values)))
    return found


def test_guests_are_sent_to_log_in_everywhere(app, client, db, walk):
    csrf = csrf_from(client.get("/login").get_data(as_text=True))
    for method, url, _named in urls(app, walk):
        response = send(client, method, url, csrf)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
    nothing_changed(db, walk)


@pytest.mark.parametrize("role", REFUSED)
def test_everyone_but_admins_is_refused_everywhere(app, client, login_as, db, make, walk, role):
    staff = {"store": walk.store} if role in (Role.GUIDE, Role.STORE_MANAGER) else {}
    login_as(make.user(role, **staff))
    csrf = token(client)
    for method, url, _named in urls(app, walk):
        assert send(client, method, url, csrf).status_code == 403, (method, url)
    nothing_changed(db, walk)


def test_another_brands_admin_finds_none_of_brand_bs_records(app, client, login_as, db, walk):
    login_as(walk.other_admin)
    csrf = token(client)
    secrets = walk.secrets()
    platform = platform_urls(app, walk)
    assert platform, "no platform-only page found: the walk no longer checks that brand admins are kept out"
    for method, url, named in urls(app, walk):
        # A platform admin picks a brand with ?brand=<id>; a brand admin asking for brand B that way is ignored.
        queries = ["", f"brand={walk.brand.id}", *probes(walk).get(url, [])]
        for asked in (f"{url}?{query}" if query else url for query in queries):
            response = send(client, method, asked, csrf)
            if (method, url) in platform:
                assert response.status_code == 403, (method, asked)
            elif named:
                assert response.status_code == 404, (method, asked)
            else:  # their own brand's lists and forms, which show nothing of brand B
                assert response.status_code in OPENS | {400, 422}, (method, asked, response.status_code)
                page = response.get_data(as_text=True)
                assert not [s for s in secrets if s in page], (method, asked)
    nothing_changed(db, walk)


@pytest.mark.parametrize("who", ["admin", "platform_admin"])
def test_brand_bs_admin_and_a_platform_admin_open_every_page(app, client, login_as, db, walk, who):
    login_as(getattr(walk, who))
    platform = platform_urls(app, walk) if who == "admin" else set()
    for method, url, _named in urls(app, walk):
        if method == "GET":
            # Plain, as htmx asks for it (a fragment, where the view has one), and for brand B by name.
            for asked, headers in ((url, EN), (url, {**EN, "HX-Request": "true"}), (f"{url}?brand={walk.brand.id}", EN)):
                response = client.get(asked, headers=headers)
                expected = {403} if (method, url) in platform else OPENS  # the brand's admin cannot move its cap
                assert response.status_code in expected, (asked, headers, response.status_code)
    nothing_changed(db, walk)  # a GET never changes anything


def test_a_get_of_an_action_is_method_not_allowed(app, client, login_as, walk):
    login_as(walk.admin)
    values = walk.values()
    pages = {rule.rule for rule in admin_rules(app) if "GET" in rule.methods}
    # A form posting to its own page's URL (GET shows it, POST saves) is a page, not an action.
    actions = [rule for rule in admin_rules(app) if rule.rule not in pages]
    assert actions
    for rule in actions:
        for url in urls_of(rule, values):
            assert client.get(url, headers=EN).status_code == 405, url


@pytest.mark.parametrize("who", ["admin", "other_admin", "platform_admin"])
def test_every_post_without_a_csrf_token_is_refused(app, client, login_as, db, walk, who):
    login_as(getattr(walk, who))
    posts = [(method, url) for method, url, _named in urls(app, walk) if method == "POST"]
    assert posts
    for method, url in posts:
        response = send(client, method, url)
        assert response.status_code == 400, (url, response.status_code)
        assert "Your form expired" in response.get_data(as_text=True), url
    nothing_changed(db, walk)


def test_brand_bs_admin_may_post_every_action_without_a_server_error(app, client, login_as, walk):
    """An empty form to every action, with a valid token: refused with a message or done, never a 500 or a 404."""
    login_as(walk.admin)
    csrf = token(client)
    platform = platform_urls(app, walk)
    for method, url, _named in urls(app, walk):
        if method == "POST":
            response = send(client, method, url, csrf)
            expected = {403} if (method, url) in platform else {200, 302, 303, 400, 409, 422}
            assert response.status_code in expected, (url, response.status_code)


def test_the_lists_walked_do_show_brand_bs_records_to_its_admin(app, client, login_as, walk):
    """The leak check above means something only if the same lists show each secret to the brand's own admin."""
    login_as(walk.admin)
    seen = ""
    for method, url, named in urls(app, walk):
        if method == "GET" and not named:
            for query in ["", *probes(walk).get(url, [])]:
                seen += client.get(f"{url}?{query}", headers=EN).get_data(as_text=True)
    # All but the brand's name, which only a platform admin's lists show (beside each record).
    assert [s for s in walk.secrets() if s not in seen] == [walk.brand.name]


def test_a_record_of_brand_b_under_one_of_brand_a_is_not_found(app, client, login_as, db, make, walk):
    """Brand A's admin names their own order (or store) but brand B's refund (or guide) under it: still 404."""
    own = Walk(make, db.session)  # brand A, with records of every kind of its own
    walk.audit_entries = audit_count(db.session)
    login_as(own.admin)
    csrf = token(client)
    mine, theirs = own.values(), walk.values()
    mixed = 0
    for rule in admin_rules(app):
        named = sorted(set(rule.arguments) & set(mine))
        if len(named) < 2:
            continue
        for name in named:
            for url in urls_of(rule, {**mine, name: theirs[name]}):
                for method in sorted({"GET", "POST"} & rule.methods):
                    assert send(client, method, url, csrf).status_code == 404, (method, url)
                    mixed += 1
    assert mixed, "no admin route names two records any more: this test has nothing to walk"
    nothing_changed(db, walk)
