"""A brand admin's journey SOPs: sequences per state (optionally narrowed by a tag) and their steps.

Every check happens before anything is written, and always with the admin's brand: a sequence, tag or
product of another brand is not found, so it can be neither read nor changed nor used.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from mall.catalog.models import Product
from mall.content.models import ContentItem
from mall.domain import DomainError
from mall.journeys.enrolment import refresh_sequence
from mall.journeys.messages import check_template
from mall.journeys.models import STATES, JourneyTag
from mall.journeys.sop_models import MAX_DAY_OFFSET, JourneySequence, JourneyStep
from mall.live.models import LiveRoom
from mall.text import clean_text

CHANNELS = ("chat", "call", "in_store")
REENTRY = ("every_entry", "first_entry")
NAME_MAX = 60


class SequenceError(DomainError):
    message = _l("The sequence could not be saved.")


def sequences_of_brand(session, brand_id: int) -> list[JourneySequence]:
    return list(session.scalars(select(JourneySequence).where(JourneySequence.brand_id == brand_id)
                                .order_by(JourneySequence.state, JourneySequence.id)))


def sequence_of_brand(session, brand_id: int | None, sequence_id: int) -> JourneySequence | None:
    """The brand's sequence (any brand's for None, the platform); another brand's is None, like a missing one."""
    query = select(JourneySequence).where(JourneySequence.id == sequence_id)
    if brand_id is not None:
        query = query.where(JourneySequence.brand_id == brand_id)
    return session.scalar(query)


def save_sequence(session, brand_id: int, sequence: JourneySequence | None, *, name: str, state: str,
                  tag_id: int | None, reentry: str, active: bool, now: datetime) -> JourneySequence:
    """Create (sequence None) or change a sequence; SequenceError names the field that is wrong."""
    name = clean_text(name or "").strip()[:NAME_MAX]
    if not name:
        raise SequenceError(_l("Please give the sequence a name."), field="name")
    if state not in STATES:
        raise SequenceError(_l("Please choose a customer state."), field="state")
    if reentry not in REENTRY:
        raise SequenceError(_l("Please choose when a customer may go through it again."), field="reentry")
    if tag_id is not None and session.scalar(select(JourneyTag.id).where(JourneyTag.id == tag_id,
                                                                         JourneyTag.brand_id == brand_id)) is None:
        raise SequenceError(_l("Please choose one of your brand's tags."), field="tag_id")
    if sequence is None:
        sequence = JourneySequence(brand_id=brand_id, created_at=now)
        session.add(sequence)
    elif sequence.brand_id != brand_id:
        raise SequenceError(_l("This sequence belongs to another brand."))
    sequence.name, sequence.state, sequence.tag_id = name, state, tag_id
    sequence.reentry, sequence.active = reentry, bool(active)
    session.flush()
    return sequence


def save_step(session, brand_id: int, sequence_id: int, step: JourneyStep | None, *, day_offset, channel: str,
              template: str, product_code: str = "", room_code: str = "", item_code: str = "",
              now: datetime) -> JourneyStep:
    """Add (step None) or change a step of the brand's sequence; the running enrolments follow the change."""
    sequence = sequence_of_brand(session, brand_id, sequence_id)
    if sequence is None:
        raise SequenceError(_l("This sequence does not exist."))
    if not isinstance(day_offset, int) or isinstance(day_offset, bool) or not 0 <= day_offset <= MAX_DAY_OFFSET:
        raise SequenceError(_l("Please enter a day between 0 and %(max)d.", max=MAX_DAY_OFFSET), field="day_offset")
    if channel not in CHANNELS:
        raise SequenceError(_l("Please choose a channel."), field="channel")
    template = check_template(template)
    product_id = None
    if product_code:
        product_id = session.scalar(select(Product.id).where(Product.code == product_code.strip().upper(),
                                                             Product.brand_id == brand_id))
        if product_id is None:
            raise SequenceError(_l("No product of your brand has this code."), field="product_code")
    live_room_id = None
    if room_code:
        live_room_id = session.scalar(select(LiveRoom.id).where(LiveRoom.code == room_code.strip().upper(),
                                                                LiveRoom.brand_id == brand_id))
        if live_room_id is None:
            raise SequenceError(_l("No live room of your brand has this code."), field="room_code")
    content_item_id = None
    if item_code:
        content_item_id = session.scalar(select(ContentItem.id).where(ContentItem.code == item_code.strip().upper(),
                                                                      ContentItem.brand_id == brand_id))
        if content_item_id is None:
            raise SequenceError(_l("No content item of your brand has this code."), field="item_code")
    if step is None:
        step = JourneyStep(sequence_id=sequence.id, created_at=now)
        session.add(step)
    elif step.sequence_id != sequence.id:
        raise SequenceError(_l("This step belongs to another sequence."))
    step.day_offset, step.channel, step.template, step.product_id = day_offset, channel, template, product_id
    step.live_room_id, step.content_item_id = live_room_id, content_item_id
    session.flush()
    refresh_sequence(session, sequence.id)
    return step


def step_of_brand(session, brand_id: int | None, step_id: int) -> JourneyStep | None:
    """The step if its sequence is the brand's (any brand's for None)."""
    query = select(JourneyStep).join(JourneySequence, JourneySequence.id == JourneyStep.sequence_id) \
        .where(JourneyStep.id == step_id)
    if brand_id is not None:
        query = query.where(JourneySequence.brand_id == brand_id)
    return session.scalar(query)
