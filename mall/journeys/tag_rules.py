"""Rule tags, pure: which of a brand's rule tags a customer should carry after an event.

    bought_product  the customer paid for the product with this code (kept, even after a refund: they chose it)
    spent_over      what they kept spending with the brand is at least rule_value fen (added and removed)
    live_watched    they opened a live-room link (a touch on the "live" channel; issue 14's visits plug in here)
    content_touch   they came through a content item (a touch on the "content" channel or a "content:…"
                    target; issue 15's content links plug in here)

`changes` answers only for the rules the event can affect, so a visit never removes a spend tag.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RuleTag:
    id: int
    rule: str
    value: str


@dataclass(frozen=True)
class Happened:
    """What the event tells the rules: the customer's kept spend, products just paid, the touch's channel/target."""

    spent_fen: int | None = None
    product_codes: frozenset = field(default_factory=frozenset)
    channel: str = ""
    target: str = ""


def changes(tags: list[RuleTag], happened: Happened, carried: set[int]) -> tuple[set[int], set[int]]:
    """(tag ids to add, tag ids to remove) for a customer now carrying `carried`."""
    add, remove = set(), set()
    for tag in tags:
        wanted = _wanted(tag, happened)
        if wanted is True and tag.id not in carried:
            add.add(tag.id)
        elif wanted is False and tag.id in carried:
            remove.add(tag.id)
    return add, remove


def _wanted(tag: RuleTag, happened: Happened) -> bool | None:
    """True: should carry it; False: should not; None: this event says nothing about this rule."""
    if tag.rule == "spent_over" and happened.spent_fen is not None:
        return happened.spent_fen >= int(tag.value or 0)
    if tag.rule == "bought_product" and tag.value in happened.product_codes:
        return True
    if tag.rule == "live_watched" and happened.channel == "live":
        return True
    if tag.rule == "content_touch" and (happened.channel == "content" or happened.target.startswith("content:")):
        return True
    return None
