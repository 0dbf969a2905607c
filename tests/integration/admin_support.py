"""Shared steps of the brand admin tests: posting a form with a CSRF token, reading the share table, and which
blueprints an admin endpoint's request runs the checks of."""
import html
import re

from mall.admin.access import require_platform_admin
from tests.conftest import csrf_from

EN = {"Accept-Language": "en"}
ROW = re.compile(r'<tr class="share-row-[a-z]+">(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")


def post(client, url, data=None, *, token_from="/admin/orders"):
    """POST as the signed-in user would: with the CSRF token of a page they can open."""
    page = client.get(token_from, headers=EN).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(page), **(data or {})}, headers=EN)


def follow(client, response) -> str:
    """The page a redirect leads to (where the flash message is shown)."""
    assert response.status_code == 303, text(response.get_data(as_text=True))[-1500:]
    return client.get(response.headers["Location"], headers=EN).get_data(as_text=True)


def text(fragment: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def share_rows(page: str) -> list[tuple[str, ...]]:
    """The admin order page's share tables as (role, beneficiary, ratio, amount, reversed, status) rows."""
    return [tuple(text(cell) for cell in CELL.findall(row)) for row in ROW.findall(page)]


def blueprints_of(endpoint: str) -> list[str]:
    """The blueprints whose before_request run for this endpoint, innermost first: admin.brands.index ->
    admin.brands, admin (as Flask's request.blueprints reads them)."""
    parts = endpoint.split(".")[:-1]
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def checks_of(app, endpoint: str) -> list:
    """Every before_request function a request to this endpoint runs, the app's own aside."""
    return [check for name in blueprints_of(endpoint) for check in app.before_request_funcs.get(name, ())]


def platform_only(app, endpoint: str) -> bool:
    """Pages only the platform runs: their blueprint, or one it is nested in, refuses brand admins."""
    return require_platform_admin in checks_of(app, endpoint)
