"""The authorization matrix: every route of the app (read from app.url_map), as every role, against the outcome
declared for it in tests/integration/route_matrix.py.

A route nobody declared fails the test, and so does a declaration whose route is gone. Beside the status, each
walk checks that nothing of brand B changed for the roles that may not change it, and that no answer is a 5xx.
"""
import pytest

from tests.integration.admin_support import EN, platform_only
from tests.integration.route_matrix import EXPECTED, LAST, ROLES, VALUES
from tests.integration.route_walk import Walk, nothing_changed, send, token, urls_of

# Roles that may act on brand B's records (approve its withdrawal, reject its refund, ...).
ACT_ON_BRAND_B = {"admin_b", "platform"}
# brand B's live room is hosted by its guide in its store: they run its console, and each action is audited.
HOSTS = {"guide", "store_manager"}


def routes(app) -> list[tuple[str, object]]:
    """("METHOD endpoint", rule) for every GET and POST the app answers: the GETs first, then the shop's POSTs, then
    the admin console's (brand B's admin may unpublish the product the shop's POSTs buy), those in LAST at the end."""
    found = [(f"{method} {rule.endpoint}", rule) for rule in app.url_map.iter_rules()
             for method in ("GET", "POST") if method in rule.methods]
    last = {key: position for position, key in enumerate(LAST, start=1)}
    return sorted(found, key=lambda item: (last.get(item[0], 0), item[0].startswith("POST"),
                                             item[1].endpoint.startswith("admin."), item[1].rule, item[0]))


def values_for(rule, walk: Walk) -> dict:
    values = walk.values()
    return {**values, **{name: values[instead] for name, instead in VALUES.get(rule.endpoint, {}).items()}}


def suggestion(app, key: str, rule) -> str:
    """A first guess for a missing admin route's entry, from the checks its blueprints run; others are decided."""
    if not rule.endpoint.startswith("admin."):
        return f'"{key}": ...,  # decide each role\'s outcome'
    get = key.startswith("GET ")
    named = bool(set(rule.arguments) - {"fmt"})
    if platform_only(app, rule.endpoint):
        profile = "PLATFORM_PAGE" if get else "PLATFORM_ACTION"
    else:
        profile = ("ADMIN_RECORD" if get else "ADMIN_RECORD_ACTION") if named else ("ADMIN_LIST" if get else "ADMIN_ACTION")
    return f'"{key}": {profile},'


def test_every_route_has_a_declared_outcome_for_every_role(app):
    declared = set(EXPECTED)
    present = {key for key, _rule in routes(app)}
    missing = [suggestion(app, key, rule) for key, rule in routes(app) if key not in declared]
    assert missing == [], "routes without an entry in tests/integration/route_matrix.py (first guesses shown)"
    assert sorted(declared - present) == [], "entries in route_matrix.py whose route is gone"
    assert [key for key, roles in EXPECTED.items() if set(roles) != set(ROLES)] == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_meets_the_declared_outcome_on_every_route(app, client, login_as, db, make, role):
    walk = Walk(make, db.session)
    user = walk.user(role)
    if user is not None:
        login_as(user)
    csrf = token(client)
    wrong = []
    for key, rule in routes(app):
        method = key.split()[0]
        expected = EXPECTED[key][role]
        for url in urls_of(rule, values_for(rule, walk)):
            response = send(client, method, url, csrf)
            to_login = "/login" in response.headers.get("Location", "")
            if response.status_code not in expected.statuses or (response.status_code in (302, 303)
                                                                 and to_login != expected.to_login):
                wrong.append(f"{key} {url}: expected {expected!r}, got {response.status_code} "
                             f"{response.headers.get('Location', '')}")
    assert wrong == [], f"as {role}"
    if role not in ACT_ON_BRAND_B:
        nothing_changed(db, walk, audited_actions=role in HOSTS)


def test_a_guest_is_never_shown_a_server_error_with_htmx_either(app, client, db, make):
    walk = Walk(make, db.session)
    for key, rule in routes(app):
        if key.startswith("GET "):
            for url in urls_of(rule, values_for(rule, walk)):
                assert client.get(url, headers={**EN, "HX-Request": "true"}).status_code < 500, url
