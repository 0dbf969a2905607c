import pytest

from mall.codes import ALPHABET
from mall.referral.codes import normalise_code


@pytest.mark.parametrize("typed, stored", [
    ("AB3XYZ", "AB3XYZ"),
    ("ab3xyz", "AB3XYZ"),  # typed from a poster on a phone keyboard
    ("  ab3xyz \n", "AB3XYZ"),  # pasted with whitespace
    ("AB3-XYZ", "AB3XYZ"),  # read aloud in groups
    ("ab3 xyz", "AB3XYZ"),
    ("AB0XYZ", None),  # zero never appears in a code: no silent match with an O code
    ("ABOXYZ", None),  # nor O
    ("AB1XYZ", None),  # nor one
    ("ABIXYZ", None),  # nor I
    ("ABlXYZ", None),  # nor a lower-case L (upper-cased: L)
    ("ABUXYZ", None),  # nor U
    ("", None),
    (None, None),
    ("AB3XYZ" * 3, None),  # longer than any code column
    ("AB3/../x", None),
    ("码码码", None),
])
def test_normalise_code(typed, stored):
    assert normalise_code(typed) == stored


def test_alphabet_has_no_look_alikes():
    assert not set("01ILOU") & set(ALPHABET)
