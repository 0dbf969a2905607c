"""Shared steps of the brand admin tests: posting a form with a CSRF token, reading the share table."""
import html
import re

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
