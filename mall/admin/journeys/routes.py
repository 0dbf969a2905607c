"""The brand admin's journeys: sequences (旅程 SOP) per state, their steps with each step's reach and results,
rule tags, and after how many quiet days a customer is silent.

Everything is looked up with the acting brand (mall.admin.acting_brand), so another brand's sequence or
step is a plain 404, and a tag or product of another brand cannot be chosen (the service refuses it).
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import unit_of_work
from mall.admin.access import admin_brand_id
from mall.admin.acting_brand import acting_brand_id, choose_brand_page
from mall.admin.journeys.forms import (
    NO_TAG,
    CustomerTagForm,
    JourneySettingsForm,
    SequenceForm,
    StepForm,
    TagForm,
)
from mall.clock import utcnow
from mall.domain import DomainError
from mall.extensions import db
from mall.journeys.messages import PLACEHOLDERS
from mall.journeys.results import conversion, step_results
from mall.journeys.sequences import save_sequence, save_step, sequence_of_brand, sequences_of_brand, step_of_brand
from mall.journeys.settings import journey_settings_for
from mall.journeys.tags import create_tag, tag_by_admin, tags_of_brand

bp = Blueprint("journeys", __name__, url_prefix="/journeys")


def _args(brand_id: int) -> dict:
    return {"brand": brand_id} if request.args.get("brand") else {}


@bp.get("")
def index():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.journeys.index", "journeys")
    return _index_page(brand_id)


def _index_page(brand_id: int, *, sequence_form=None, tag_form=None, settings_form=None, customer_tag_form=None,
                status=200):
    tags = tags_of_brand(db.session, brand_id)
    settings = journey_settings_for(db.session, brand_id)
    return render_template(
        "admin/journeys.html", tab="journeys", brand_args=_args(brand_id), tags=tags,
        sequences=sequences_of_brand(db.session, brand_id),
        sequence_form=(sequence_form or SequenceForm(formdata=None)).with_tags(tags),
        tag_form=tag_form or TagForm(formdata=None),
        customer_tag_form=(customer_tag_form or CustomerTagForm(formdata=None)).with_tags(tags),
        settings_form=settings_form or JourneySettingsForm(formdata=None, obj=settings)), status


@bp.post("/sequences")
def create_sequence():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.journeys.index", "journeys")
    form = SequenceForm().with_tags(tags_of_brand(db.session, brand_id))
    if form.validate():
        try:
            sequence = _save_sequence(brand_id, None, form)
        except DomainError as err:
            _refused(form, err)
        else:
            flash(_("Sequence %(name)s created.", name=sequence.name), "success")
            return redirect(url_for("admin.journeys.show", sequence_id=sequence.id, **_args(brand_id)), code=303)
    return _index_page(brand_id, sequence_form=form, status=422)


@bp.get("/sequences/<int:sequence_id>")
def show(sequence_id: int):
    sequence = _sequence_or_404(sequence_id)
    return _sequence_page(sequence.brand_id, sequence)


@bp.post("/sequences/<int:sequence_id>")
def update_sequence(sequence_id: int):
    sequence = _sequence_or_404(sequence_id)
    brand_id = sequence.brand_id
    form = SequenceForm().with_tags(tags_of_brand(db.session, brand_id))
    if form.validate():
        try:
            _save_sequence(brand_id, sequence, form)
        except DomainError as err:
            _refused(form, err)
        else:
            flash(_("Sequence saved."), "success")
            return redirect(url_for("admin.journeys.show", sequence_id=sequence.id, **_args(brand_id)), code=303)
    return _sequence_page(brand_id, sequence, sequence_form=form, status=422)


@bp.post("/sequences/<int:sequence_id>/steps")
def add_step(sequence_id: int):
    sequence = _sequence_or_404(sequence_id)
    brand_id = sequence.brand_id
    form = StepForm()
    if form.validate():
        try:
            save_step(db.session, brand_id, sequence.id, None, day_offset=form.day_offset.data,
                      channel=form.channel.data, template=form.template.data,
                      product_code=form.product_code.data or "", room_code=form.room_code.data or "",
                      item_code=form.item_code.data or "", now=utcnow())
        except DomainError as err:
            _refused(form, err)
        else:
            flash(_("Step added."), "success")
            return redirect(url_for("admin.journeys.show", sequence_id=sequence.id, **_args(brand_id)), code=303)
    return _sequence_page(brand_id, sequence, step_form=form, status=422)


@bp.post("/steps/<int:step_id>")
def update_step(step_id: int):
    step = step_of_brand(db.session, admin_brand_id(), step_id) or abort(404)
    brand_id = step.sequence.brand_id
    form = StepForm(prefix=_prefix(step.id))
    if form.validate():
        try:
            save_step(db.session, brand_id, step.sequence_id, step, day_offset=form.day_offset.data,
                      channel=form.channel.data, template=form.template.data,
                      product_code=form.product_code.data or "", room_code=form.room_code.data or "",
                      item_code=form.item_code.data or "", now=utcnow())
        except DomainError as err:
            _refused(form, err)
        else:
            flash(_("Step saved."), "success")
            return redirect(url_for("admin.journeys.show", sequence_id=step.sequence_id, **_args(brand_id)),
                            code=303)
    return _sequence_page(brand_id, step.sequence, edited=(step.id, form), status=422)


@bp.post("/tags")
def create_tag_view():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.journeys.index", "journeys")
    form = TagForm()
    if form.validate():
        try:
            tag = create_tag(db.session, brand_id, name=form.name.data, rule=form.rule.data,
                             value=form.value.data or "", now=utcnow())
        except DomainError as err:
            _refused(form, err)
        else:
            flash(_("Tag %(name)s created.", name=tag.name), "success")
            return redirect(url_for("admin.journeys.index", **_args(brand_id)), code=303)
    return _index_page(brand_id, tag_form=form, status=422)


@bp.post("/customers/tags")
def tag_customer():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.journeys.index", "journeys")
    form = CustomerTagForm().with_tags(tags_of_brand(db.session, brand_id))
    if form.validate():
        try:
            tag_by_admin(db.session, brand_id=brand_id, phone=form.normal_phone, tag_id=form.tag_id.data,
                         remove=form.remove.data, actor_user_id=current_user.id, now=utcnow())
        except DomainError as err:
            _refused(form, err)
        else:
            flash(_("Tags saved."), "success")
            return redirect(url_for("admin.journeys.index", **_args(brand_id)), code=303)
    return _index_page(brand_id, customer_tag_form=form, status=422)


@bp.post("/settings")
def save_settings():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.journeys.index", "journeys")
    form = JourneySettingsForm()
    if not form.validate():
        return _index_page(brand_id, settings_form=form, status=422)
    journey_settings_for(db.session, brand_id).silent_days = form.silent_days.data
    flash(_("Journey settings saved."), "success")
    return redirect(url_for("admin.journeys.index", **_args(brand_id)), code=303)


def _save_sequence(brand_id: int, sequence, form: SequenceForm):
    return save_sequence(db.session, brand_id, sequence, name=form.name.data, state=form.state.data,
                         tag_id=form.tag_id.data if form.tag_id.data not in (None, NO_TAG) else None,
                         reentry=form.reentry.data, active=form.active.data, now=utcnow())


def _refused(form, err: DomainError) -> None:
    """Show the service's reason beside its field; what the failed call did is dropped (the page is a 422)."""
    unit_of_work.rollback()
    field = getattr(form, err.field, None) if err.field else None
    if field is not None:
        field.errors = [*field.errors, err.message]
    else:
        form.form_errors.append(err.message)


def _sequence_or_404(sequence_id: int):
    """The admin's brand's sequence (any brand's for a platform admin); another brand's is a 404."""
    return sequence_of_brand(db.session, admin_brand_id(), sequence_id) or abort(404)


def _sequence_page(brand_id: int, sequence, *, sequence_form=None, step_form=None, edited=None, status=200):
    tags = tags_of_brand(db.session, brand_id)
    step_forms = {}
    for step in sequence.steps:
        if edited and edited[0] == step.id:
            step_forms[step.id] = edited[1]
        else:
            step_forms[step.id] = StepForm(formdata=None, obj=step, prefix=_prefix(step.id),
                                           product_code=step.product.code if step.product else "",
                                           room_code=step.live_room.code if step.live_room else "",
                                           item_code=step.content_item.code if step.content_item else "")
    sequence_form = sequence_form or SequenceForm(formdata=None, obj=sequence, tag_id=sequence.tag_id or NO_TAG)
    return render_template(
        "admin/journey_sequence.html", tab="journeys", brand_args=_args(brand_id), sequence=sequence,
        sequence_form=sequence_form.with_tags(tags), step_form=step_form or StepForm(formdata=None),
        step_forms=step_forms, results=step_results(db.session, sequence), conversion=conversion(db.session, sequence),
        placeholders=PLACEHOLDERS), status


def _prefix(step_id: int) -> str:
    return f"step{step_id}"  # several step forms on one page: field names and ids stay apart
