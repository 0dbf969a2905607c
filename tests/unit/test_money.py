import pytest

from mall.money import format_fen, parse_yuan, yuan, yuan_text


@pytest.mark.parametrize("text, fen", [
    ("19", 1900), ("19.9", 1990), ("19.90", 1990), ("0.01", 1), ("¥1,299.00", 129900), (" 5 ", 500),
])
def test_parse_yuan_accepts_what_people_type(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "1e3", "-5", "+5", "1.234", "NaN", "Infinity", "1,23", "99999999999999"])
def test_parse_yuan_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_yuan(text)


@pytest.mark.parametrize("fen, locale, text", [
    (1990, "zh_CN", "¥19.90"), (123456789, "en", "¥1,234,567.89"), (-500, "en", "-¥5.00"), (0, "zh_CN", "¥0.00"),
])
def test_format_fen(fen, locale, text):
    assert format_fen(fen, locale) == text


def test_formatting_is_remembered_per_amount_and_locale():
    from mall.money import format_fen

    format_fen.cache_clear()
    assert format_fen(123450, "en") == "¥1,234.50" and format_fen(123450, "en") == "¥1,234.50"
    assert format_fen(-5, "zh_CN") == "-¥0.05"
    info = format_fen.cache_info()
    assert (info.hits, info.misses) == (1, 2)


@pytest.mark.parametrize("fen", [0, 1, 5, 99, 100, 1990, 39800, 123456789, -5, -100, -12345])
def test_yuan_text_is_the_decimal_yuan_as_text(fen):
    assert yuan_text(fen) == str(yuan(fen))
