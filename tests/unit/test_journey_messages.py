"""Journey step templates, links, rule tags and personalisation: the pure parts."""
import pytest

from mall.journeys.links import parse_ref, step_ref
from mall.journeys.messages import TemplateError, check_template, fill
from mall.journeys.personalisation import arrange
from mall.journeys.tag_rules import Happened, RuleTag, changes


@pytest.mark.parametrize("template", [
    "{first_name}您好，我是{guide_name}。", "新品{product}到了：{link}", "{brand} 会员日", "没有占位符也可以",
    "{live_room}今晚开播：{link}",
])
def test_known_placeholders_are_accepted(template):
    assert check_template(template) == template


@pytest.mark.parametrize(("template", "words"), [
    ("{frist_name}您好", "{frist_name}"), ("{name}", "{name}"), ("{first_name} {coupon}", "{coupon}"),
    ("{}", "{}"), ("价格 {price} {link}", "{price}"),
])
def test_an_unknown_placeholder_is_refused_by_name(app, template, words):
    with app.test_request_context(), pytest.raises(TemplateError) as err:
        check_template(template)
    with app.test_request_context():
        assert words in str(err.value.message)


@pytest.mark.parametrize("template", ["{first_name", "first_name}", "a { b", "", "   ", "x" * 1001])
def test_stray_braces_empty_and_overlong_templates_are_refused(app, template):
    with app.test_request_context(), pytest.raises(TemplateError):
        check_template(template)


def test_fill_replaces_every_placeholder():
    assert fill("{first_name}，{product}：{link}", {"first_name": "小明", "product": "茉莉花茶",
                                                  "link": "http://x/p/A/B?j=1.2"}) == "小明，茉莉花茶：http://x/p/A/B?j=1.2"


@pytest.mark.parametrize(("ref", "expected"), [
    (step_ref(12, 345), (12, 345)), ("1.1", (1, 1)), ("0.1", None), ("1.0", None), ("1", None), ("a.b", None),
    ("1.2.3", None), ("", None), ("12345678901.1", None), (" 1.2", None),
])
def test_a_step_marker_is_read_back_only_as_made(ref, expected):
    assert parse_ref(ref) == expected


SPEND, TEA, LIVE, CONTENT = RuleTag(1, "spent_over", "50000"), RuleTag(2, "bought_product", "TEA1"), \
    RuleTag(3, "live_watched", ""), RuleTag(4, "content_touch", "")


@pytest.mark.parametrize(("happened", "carried", "added", "removed"), [
    (Happened(spent_fen=50000), set(), {1}, set()),
    (Happened(spent_fen=49999), {1}, set(), {1}),  # a refund took them below: the tag goes
    (Happened(spent_fen=49999), set(), set(), set()),
    (Happened(spent_fen=90000, product_codes=frozenset({"TEA1"})), {1}, {2}, set()),
    (Happened(channel="live", target="live:ROOM1"), set(), {3}, set()),
    (Happened(channel="content", target="content:C9"), set(), {4}, set()),
    (Happened(channel="link", target="content:C9"), set(), {4}, set()),
    (Happened(channel="link", target="home"), {1, 2, 3}, set(), set()),  # a visit says nothing of spend
])
def test_rule_tags_follow_the_event(happened, carried, added, removed):
    assert changes([SPEND, TEA, LIVE, CONTENT], happened, carried) == (added, removed)


PRODUCTS = [(1, "A"), (2, "B"), (3, "C"), (4, "D"), (5, "E")]  # (id, code) in the page's order


@pytest.mark.parametrize(("opened", "tagged", "last", "expected"), [
    ([], set(), None, "ABCDE"),  # nothing known: the page's order
    (["D", "B"], set(), None, "DBACE"),  # opened, most recent first, then the rest in order
    ([], {"C"}, None, "CABDE"),
    (["D"], {"C"}, 1, "DCBEA"),  # the last bought moves to the end
    (["A"], set(), 1, "BCDEA"),  # even when it was opened: they have it
    (["Z"], {"Y"}, 99, "ABCDE"),  # products no longer on the page change nothing
])
def test_personal_order(opened, tagged, last, expected):
    ordered = arrange(PRODUCTS, code_of=lambda p: p[1], id_of=lambda p: p[0], opened=opened, tagged=tagged,
                      last_bought_id=last)
    assert "".join(code for _id, code in ordered) == expected
