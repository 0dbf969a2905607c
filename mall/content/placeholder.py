"""Filling the brand's copy with a partner's link.

Copy is plain text. `{link}` is the one placeholder; `{{` and `}}` write a literal brace, so copy may say
"{link}" itself ("{{link}}"). Any other brace is left as typed: nothing in a brand's copy is ever interpreted
(no str.format, which would read attributes out of "{0.__class__}"). Copy without a placeholder gets the
link on a line of its own at the end, so a copied text never leaves the partner's link out.
"""
import re

PLACEHOLDER = "{link}"
_TOKENS = re.compile(r"\{\{|\}\}|\{link\}")


def fill_link(body: str, link: str) -> str:
    """The copy with every {link} replaced by the partner's link (appended when the copy has none)."""
    if link and not has_placeholder(body):
        body = body.rstrip() + "\n" + PLACEHOLDER
    return _TOKENS.sub(lambda m: {"{{": "{", "}}": "}"}.get(m.group(0), link), body)


def has_placeholder(body: str) -> bool:
    return any(m.group(0) == PLACEHOLDER for m in _TOKENS.finditer(body))
