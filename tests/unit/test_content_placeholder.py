"""Filling a brand's copy with the partner's link: every {link}, literal braces, nothing else interpreted."""
import pytest

from mall.content.placeholder import fill_link, has_placeholder

LINK = "https://mall.example/c/ABC2345/XYZ234"


@pytest.mark.parametrize("body, expected", [
    ("Order here: {link}", f"Order here: {LINK}"),
    ("{link} and again {link}", f"{LINK} and again {LINK}"),
    ("Write {{link}} in your copy: {link}", f"Write {{link}} in your copy: {LINK}"),
    ("{0.__class__} {name} {link}", f"{{0.__class__}} {{name}} {LINK}"),  # no str.format: nothing is looked up
    ("50% off {}", f"50% off {{}}\n{LINK}"),  # no placeholder: the link goes on a line of its own
    ("新茶上市，点这里：{link}。", f"新茶上市，点这里：{LINK}。"),
    ("{{{link}}}", f"{{{LINK}}}"),
])
def test_fill_link(body, expected):
    assert fill_link(body, LINK) == expected


def test_a_literal_placeholder_is_not_a_placeholder():
    assert not has_placeholder("say {{link}}") and has_placeholder("say {link}")
