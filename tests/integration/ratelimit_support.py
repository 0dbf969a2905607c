"""Shared steps of the rate-limit tests: counting rows, posting forms from a given client IP."""
from sqlalchemy import func, select

from tests.conftest import csrf_from

EN = {"Accept-Language": "en"}


def count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def ip(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def post_form(client, url, data, headers=EN, **kw):
    token = csrf_from(client.get(url, headers=headers, **kw).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, headers=headers, **kw)


def log_in(client, login, password="wrong-password", headers=EN, **kw):
    return post_form(client, "/login", {"login": login, "password": password}, headers=headers, **kw)


def logged_in(client, **kw) -> bool:
    return "Log out" in client.get("/", headers=EN, **kw).get_data(as_text=True)
