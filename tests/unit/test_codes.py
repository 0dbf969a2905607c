"""Short codes are read aloud and typed from posters: fixed length, no look-alike characters."""
from mall.codes import ALPHABET, short_code


def test_codes_have_the_requested_length():
    assert len(short_code()) == 7
    assert len(short_code(10)) == 10


def test_codes_avoid_look_alike_characters():
    codes = "".join(short_code() for _ in range(500))
    assert set(codes) <= set(ALPHABET)
    assert not set("01ILOU") & set(ALPHABET)
    assert ALPHABET == ALPHABET.upper()


def test_codes_do_not_repeat():
    codes = {short_code() for _ in range(5000)}
    assert len(codes) == 5000
