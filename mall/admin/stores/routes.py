"""The brand admin's stores: list, create, edit, staff (guides and managers), and the store code poster (门店码).

Stores are always looked up with the admin's brand, so another brand's store is a plain 404.
"""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import unit_of_work
from mall.admin.access import admin_brand_id
from mall.admin.acting_brand import acting_brand_id, choose_brand_page
from mall.admin.stores.forms import StaffForm, StoreForm
from mall.catalog.stores import save_store, store_of_brand, stores_of_brand
from mall.clock import utcnow
from mall.extensions import db
from mall.referral import qr
from mall.referral.staff import StaffError, assign_staff, remove_staff, store_staff
from mall.urls import public_url

bp = Blueprint("stores", __name__, url_prefix="/stores")
PER_PAGE = 30
MAX_PAGE = 10_000


@bp.get("")
def index():
    brand_id = acting_brand_id()
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    listing = db.paginate(stores_of_brand(brand_id), page=page, per_page=PER_PAGE, error_out=False)
    return render_template("admin/stores.html", stores=listing, brand_id=brand_id, show_brand=brand_id is None,
                           tab="stores")


@bp.route("/new", methods=["GET", "POST"])
def create():
    brand_id = acting_brand_id()
    if brand_id is None:
        return choose_brand_page("admin.stores.create", "stores")
    form = StoreForm()
    if not form.validate_on_submit():
        brand_arg = {"brand": brand_id} if request.args.get("brand") else {}
        return render_template("admin/store_form.html", form=form, brand_arg=brand_arg,
                               tab="stores"), 422 if form.is_submitted() else 200
    store = save_store(db.session, brand_id, None, **_details(form), actor_id=current_user.id, now=utcnow())
    flash(_("Store %(name)s created.", name=store.name), "success")
    return redirect(url_for("admin.stores.show", store_id=store.id), code=303)


@bp.get("/<int:store_id>")
def show(store_id: int):
    store = _store_or_404(store_id)
    return _store_page(store, StoreForm(formdata=None, obj=store), StaffForm(formdata=None))


@bp.post("/<int:store_id>")
def update(store_id: int):
    store = _store_or_404(store_id)
    form = StoreForm()
    if not form.validate():
        return _store_page(store, form, StaffForm(formdata=None), status=422)
    save_store(db.session, store.brand_id, store.id, **_details(form), actor_id=current_user.id, now=utcnow())
    flash(_("Store saved."), "success")
    return redirect(url_for("admin.stores.show", store_id=store.id), code=303)


@bp.post("/<int:store_id>/staff")
def add_staff(store_id: int):
    store = _store_or_404(store_id)
    form = StaffForm()
    if not form.validate():
        return _store_page(store, StoreForm(formdata=None, obj=store), form, status=422)
    try:
        user = assign_staff(db.session, store, phone=form.phone.data, role=form.role.data, name=form.name.data or "",
                            password=form.password.data or "", actor_id=current_user.id, now=utcnow())
    except StaffError as err:
        unit_of_work.rollback()  # the store page is shown again: without what the failed call did
        getattr(form, err.field or "phone").errors.append(str(err.message))
        return _store_page(store, StoreForm(formdata=None, obj=store), form, status=422)
    flash(_("%(name)s now works in %(store)s.", name=user.name, store=store.name), "success")
    return redirect(url_for("admin.stores.show", store_id=store.id), code=303)


@bp.post("/<int:store_id>/staff/<int:user_id>/remove")
def drop_staff(store_id: int, user_id: int):
    store = _store_or_404(store_id)
    try:
        user = remove_staff(db.session, store, user_id, actor_id=current_user.id, now=utcnow())
    except StaffError:
        abort(404)
    flash(_("%(name)s no longer works in %(store)s.", name=user.name, store=store.name), "success")
    return redirect(url_for("admin.stores.show", store_id=store.id), code=303)


@bp.get("/<int:store_id>/poster")
def poster(store_id: int):
    """A page to print and put on the counter: the store's QR code and name, nothing else."""
    store = _store_or_404(store_id)
    link = _store_link(store)
    return render_template("admin/store_poster.html", store=store, link=link,
                           code_svg=qr.svg_inline(link, title=store.name), tab="stores")


@bp.get("/<int:store_id>/qr.<any(png, svg):fmt>")
def qr_file(store_id: int, fmt: str):
    store = _store_or_404(store_id)
    link = _store_link(store)
    body, mimetype = (qr.png_bytes(link), "image/png") if fmt == "png" else (qr.svg_bytes(link), "image/svg+xml")
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="store-{store.code}.{fmt}"'
    return response


def _store_page(store, form: StoreForm, staff_form: StaffForm, status=200):
    return render_template("admin/store.html", store=store, form=form, staff_form=staff_form,
                           staff=store_staff(db.session, store.id), link=_store_link(store), tab="stores"), status


def _store_or_404(store_id: int):
    return store_of_brand(db.session, store_id, admin_brand_id()) or abort(404)


def _store_link(store) -> str:
    return public_url("referral.store_code", store_code=store.code)  # printed on posters: never the Host header


def _details(form: StoreForm) -> dict:
    return {"name": form.name.data, "address": form.address.data or "", "phone": form.phone.data or "",
            "active": bool(form.active.data)}
