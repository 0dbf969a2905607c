"""The link a step's message carries: the guide's own share link with ?j=<step>.<enrolment>.

The referral routes store ?j= on the touch as an opaque marker (mall.referral.models.Touch.ref); journeys
reads it back from the TouchRecorded event (mall.journeys.attribution). Both ids are checked there against
each other, so an edited marker credits nothing.
"""
import re

from mall.urls import public_url

_REF = re.compile(r"([1-9][0-9]{0,9})\.([1-9][0-9]{0,9})")


def step_ref(step_id: int, enrolment_id: int) -> str:
    return f"{step_id}.{enrolment_id}"


def parse_ref(ref: str) -> tuple[int, int] | None:
    """(step id, enrolment id) of a marker made by step_ref; None for anything else."""
    match = _REF.fullmatch(ref or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def step_link(*, partner_code: str, product_code: str | None, step_id: int, enrolment_id: int,
              room_code: str | None = None, item_code: str | None = None) -> str:
    """The guide's live-room invitation, content link, product link or home link (in that order of choice),
    carrying the step."""
    ref = step_ref(step_id, enrolment_id)
    if room_code:
        return public_url("live.invite", code=room_code, partner_code=partner_code, j=ref)
    if item_code:
        return public_url("content.item", item_code=item_code, partner_code=partner_code, j=ref)
    if product_code:
        return public_url("referral.product_link", product_code=product_code, partner_code=partner_code, j=ref)
    return public_url("referral.home_link", partner_code=partner_code, j=ref)
