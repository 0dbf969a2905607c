"""Hostile input to every form of the app: NUL bytes, huge and odd Unicode strings, negative and huge numbers,
floats, several values for one field, a file of junk. Never a 5xx; a refused submission changes nothing.

The forms, their URLs and who submits them are in tests/integration/form_cases.py; a form class of the app that
is missing there fails test_every_form_of_the_app_is_fuzzed. Each example sends one submission with a valid
CSRF token (so the form itself is reached) and compares a snapshot of the database (each table's row count,
the sums of its integer columns and the total length of its text) before and after. Refused means a 4xx, or a
POST answered 200 with the form shown again; a redirect (accepted) may change what it says it changes.
"""
import io
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Integer, String, Text, func, select
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FileField, FormField
from wtforms.fields.core import UnboundField

from mall.clean_form import CleanForm
from mall.extensions import db
from mall.ratelimits import limiter_for
from tests.integration.admin_support import EN
from tests.integration.form_cases import FORMS
from tests.integration.route_walk import Walk, token

# Per form (~30 of them): bounded so the suite stays fast; FUZZ_EXAMPLES=200 for a long run before a release.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 5))
NASTY = ["\x00", "a\x00b", "A" * 100_000, "９９", "-1", "-0", "0", "1e309", "NaN", "inf", "-99999999999999999999999",
         "99999999999999999999999", "0x1F", "1_000", "1,000.00", "¥5", "12.345", " 1 ", "\u202e\u0644", "😀" * 500,
         "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "\ud7ff\ue000", "\r\n\r\n", "",
         " ", "true", "[]", "{}", "2025-02-30", "0000-00-00", "9999-12-31T23:59", "１３８００１３８０００"]
HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),
    st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")),
)


def all_forms() -> dict[str, type]:
    found, todo = {}, [CleanForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found[f"{sub.__module__}.{sub.__qualname__}"] = sub
            todo.append(sub)
    return found


def fields_of(form_class, prefix: str = "") -> dict[str, type]:
    """Field name as a browser sends it -> field class; a list of sub-forms as its first two rows."""
    found = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField):
            continue
        kind = unbound.field_class
        if issubclass(kind, FieldList) and unbound.args and issubclass(unbound.args[0].field_class, FormField):
            for row in (0, 1):
                found.update(fields_of(unbound.args[0].args[0], prefix=f"{prefix}{name}-{row}-"))
        else:
            found[prefix + name] = kind
    return found


def value_of(name: str, kind: type, baseline: dict[str, str]):
    if issubclass(kind, FileField):
        return st.binary(max_size=2048).map(lambda raw: (io.BytesIO(raw), "fuzz.png"))
    choices = [HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3), st.none()]  # none: the field left out
    if name in baseline:  # mostly the valid value, so a hostile one in another field is what gets checked
        choices += [st.just(baseline[name])] * 3
    return st.one_of(choices)


# The log of who was shown customers' personal data is written even when the page answers a 4xx: a refused form
# shown again still shows the order's contact (mall/admin/personal_data.py commits it before the page is sent).
LOGGED_WHATEVER_THE_ANSWER = {"personal_data_access"}


def snapshot(session) -> tuple:
    """Every table's row count, integer sums and text length, read in one statement."""
    session.expire_all()
    measures = []
    for table in db.metadata.sorted_tables:
        if table.name in LOGGED_WHATEVER_THE_ANSWER:
            continue
        measures.append(select(func.count()).select_from(table).scalar_subquery().label(f"{table.name}.rows"))
        for column in table.columns:
            if isinstance(column.type, Integer):
                measure = func.coalesce(func.sum(column), 0)
            elif isinstance(column.type, String | Text):
                measure = func.coalesce(func.sum(func.length(column)), 0)
            else:
                continue
            measures.append(select(measure).scalar_subquery().label(f"{table.name}.{column.name}"))
    row = session.execute(select(*measures)).one()
    session.commit()  # end the read: on SQLite an open transaction holds the write lock the app needs
    return tuple(zip(row._fields, row, strict=True))


def submit(client, case, url: str, csrf: str, values: dict):
    data = MultiDict()
    for name, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            if one is not None:
                data.add(name, one)
    if case.method == "GET":
        return client.get(url, query_string=data, headers=EN)
    data.add("csrf_token", csrf)
    return client.post(url, data=data, headers=EN, content_type="multipart/form-data")


def changes(before: tuple, after: tuple) -> dict:
    return {name: (was, now) for (name, was), (_name, now) in zip(before, after, strict=True) if was != now}


def test_every_form_of_the_app_is_fuzzed(app):
    missing = sorted(set(all_forms()) - set(FORMS))
    assert missing == [], "form classes missing from tests/integration/form_cases.py"
    assert sorted(set(FORMS) - set(all_forms())) == [], "entries in form_cases.py whose form class is gone"


@pytest.mark.parametrize("role", sorted({case.role for case in FORMS.values()}))
def test_hostile_input_never_errs_and_a_refused_form_changes_nothing(app, client, login_as, make, role):
    walk = Walk(make, db.session)
    if walk.user(role) is not None:
        login_as(walk.user(role))
    csrf = token(client)
    for name, case in FORMS.items():
        if case.role == role:
            fuzz(app, client, name, case, walk, csrf)


def fuzz(app, client, name: str, case, walk: Walk, csrf: str) -> None:
    """EXAMPLES hostile submissions of one form, each checked."""
    url, baseline = case.url(walk), case.baseline(walk)
    fields = fields_of(all_forms()[name])
    strategy = st.fixed_dictionaries({field: value_of(field, kind, baseline) for field, kind in fields.items()})

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(values=strategy)
    def one_submission(values):
        limiter_for(app).reset()
        before = snapshot(db.session)
        response = submit(client, case, url, csrf, values)
        assert response.status_code < 500, (name, url, response.status_code)
        shown_again = case.method == "POST" and response.status_code == 200 and not case.shows_result
        refused = response.status_code >= 400 or shown_again
        if refused or case.method == "GET":
            assert changes(before, snapshot(db.session)) == {}, (name, response.status_code)

    one_submission()
