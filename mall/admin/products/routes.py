"""The brand admin's product pages: list, create and edit with SKUs, publish, images, ratio overrides, CSV.

The rules live in mall.catalog.editing, mall.catalog.images and mall.commission.settings; brand_id is always
passed, so another brand's product is simply not found (404).
"""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import unit_of_work
from mall.admin.access import admin_brand_id
from mall.admin.products.export import export_rows
from mall.admin.products.forms import (
    ImageForm,
    ImportForm,
    ProductFilterForm,
    ProductForm,
    ProductRatioForm,
    PublishForm,
    fill_product_form,
)
from mall.admin.products.import_jobs import enqueue_import, job_of_brand, job_result
from mall.admin.products.importing import count_rows, import_products
from mall.admin.products.ratio_preview import preview_product_ratios
from mall.catalog.editing import ProductError, product_of_brand, products_of_brand, save_product, set_published
from mall.catalog.images import add_image
from mall.catalog.listing import all_brands
from mall.clock import utcnow
from mall.commission.models import ProductRatio
from mall.commission.settings import SettingsError, ratio_bps, save_product_ratios, settings_for
from mall.extensions import db
from mall.media.extension import media
from mall.media.images import ImageError
from mall.templating import locale_code

bp = Blueprint("products", __name__)
PER_PAGE = 20
MAX_PAGE = 10_000
SYNC_ROWS = 500  # larger files are imported in the background (flask mall run-imports)


@bp.get("/products")
def index():
    brand_id = admin_brand_id()
    filters = ProductFilterForm(request.args)
    query = products_of_brand(brand_id, search=filters.q.data or "", published=filters.published.data or "",
                              low_stock=bool(filters.low_stock.data))
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    listing = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    args = {k: v for k, v in (("q", filters.q.data), ("published", filters.published.data),
                              ("low_stock", "y" if filters.low_stock.data else None)) if v}
    return render_template("admin/products.html", products=listing, filters=filters, args=args,
                           show_brand=brand_id is None, tab="products")


@bp.route("/products/new", methods=["GET", "POST"])
def new():
    brand_id = admin_brand_id()
    form = _with_brands(ProductForm(), brand_id)
    if request.method == "POST" and not _adding_row(form) and form.validate():
        target = brand_id if brand_id is not None else _chosen_brand(form)
        if target is not None:
            return _save(form, target, None)
    return render_template("admin/product_new.html", form=form, tab="products"), _status()


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
def edit(product_id: int):
    product = _product_or_404(product_id)
    form = ProductForm()
    if request.method == "GET":
        fill_product_form(form, product)
    elif not _adding_row(form) and form.validate():
        return _save(form, product.brand_id, product.id, product=product)
    return _edit_page(product, form=form, status=_status())


@bp.post("/products/<int:product_id>/publish")
def publish(product_id: int):
    return _publish(product_id, True, _("Published: the product is on sale."))


@bp.post("/products/<int:product_id>/unpublish")
def unpublish(product_id: int):
    return _publish(product_id, False, _("Unpublished: the product is no longer shown."))


@bp.post("/products/<int:product_id>/images")
def upload_image(product_id: int):
    product = _product_or_404(product_id)
    form = ImageForm()
    if not form.validate():
        return _edit_page(product, image_form=form, status=422)
    try:
        add_image(db.session, product, form.image.data.read(), store=media.store)
    except ImageError as err:
        unit_of_work.rollback()  # the edit page is shown again: without what the failed call did
        form.image.errors = [err.message]
        return _edit_page(product, image_form=form, status=422)
    flash(_("Image added."), "success")
    return _back(product.id)


@bp.post("/products/<int:product_id>/ratios")
def save_ratios(product_id: int):
    product = _product_or_404(product_id)
    form = ProductRatioForm()
    changes = form.changes() if form.validate() else None
    if changes is None:
        return _edit_page(product, ratio_form=form, status=422)
    try:
        save_product_ratios(db.session, product.id, changes, actor_id=current_user.id, now=utcnow())
    except SettingsError as err:
        unit_of_work.rollback()  # the edit page is shown again: without what the failed call did
        return _edit_page(product, ratio_form=form, ratio_errors=_flat(err.messages), status=422)
    flash(_("Split ratios saved: they apply to new orders only."), "success")
    return _back(product.id)


@bp.post("/products/<int:product_id>/ratios/preview")
def preview_ratios(product_id: int):
    product = _product_or_404(product_id)
    form = ProductRatioForm()
    changes = form.changes() if form.validate() else None
    if changes is None:
        errors = _flat({k: list(v) for k, v in form.errors.items()})
        return render_template("admin/_product_ratio_preview.html", preview=None, errors=errors)
    preview = preview_product_ratios(db.session, product, changes)
    unit_of_work.rollback()  # settings_for may have created the defaults: the page that saves will keep them
    return render_template("admin/_product_ratio_preview.html", preview=preview, errors=preview.errors)


@bp.get("/products/export.csv")
def export():
    brand_id = admin_brand_id()
    response = Response(export_rows(brand_id), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=products.csv"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/products/import", methods=["GET", "POST"])
def import_csv():
    brand_id = admin_brand_id()
    form = _with_brands(ImportForm(), brand_id)
    result = None
    if request.method == "POST" and form.validate():
        target = brand_id if brand_id is not None else _chosen_brand(form)
        data = form.file.data.read()
        if target is not None and count_rows(data) > current_app.config.get("PRODUCT_IMPORT_SYNC_ROWS", SYNC_ROWS):
            job = enqueue_import(db.session, target, data, apply_valid=form.apply_valid.data,
                                 actor_id=current_user.id, now=utcnow(), locale=locale_code())
            if job is not None:
                return redirect(url_for("admin.products.import_job", job_id=job.id), code=303)
        if target is not None:
            result = import_products(db.session, target, data, apply_valid=form.apply_valid.data,
                                     actor_id=current_user.id, now=utcnow())
    refused = result is not None and (result.problem or (result.errors and not result.applied))
    status = 422 if form.errors or refused else 200
    return render_template("admin/product_import.html", form=form, result=result, tab="products"), status


@bp.get("/products/imports/<int:job_id>")
def import_job(job_id: int):
    job = job_of_brand(db.session, job_id, admin_brand_id()) or abort(404)
    template = "admin/_product_import_job.html" if request.headers.get("HX-Request") else "admin/product_import_job.html"
    return render_template(template, job=job, result=job_result(job), tab="products")


def _save(form: ProductForm, brand_id: int, product_id: int | None, product=None):
    try:
        saved = save_product(db.session, brand_id, product_id, form.product_input(), actor_id=current_user.id,
                             now=utcnow())
    except ProductError as err:
        form.form_errors.extend(err.messages)
        if product is None:
            return render_template("admin/product_new.html", form=form, tab="products"), 422
        return _edit_page(_product_or_404(product.id), form=form, status=422)
    flash(_("Product saved."), "success")
    return _back(saved.id)


def _publish(product_id: int, published: bool, done: str):
    product = _product_or_404(product_id)
    if not PublishForm().validate():
        abort(400)
    set_published(db.session, product, published, actor_id=current_user.id, now=utcnow())
    flash(done, "success")
    return _back(product.id)


def _edit_page(product, *, form=None, image_form=None, ratio_form=None, ratio_errors=None, status=200):
    if form is None:
        form = ProductForm(formdata=None)
        fill_product_form(form, product)
    if ratio_form is None:
        ratio_form = ProductRatioForm(formdata=None)
        ratio_form.fill(db.session.get(ProductRatio, product.id))
    settings = settings_for(db.session, product.brand_id)
    preview = preview_product_ratios(db.session, product, ratio_form.changes() or {})
    return render_template("admin/product_edit.html", product=product, form=form,
                           image_form=image_form or ImageForm(formdata=None), publish_form=PublishForm(),
                           ratio_form=ratio_form, ratio_errors=ratio_errors or [], preview=preview,
                           levels=settings.levels, brand_bps=ratio_bps(db.session, settings, None),
                           tab="products"), status


def _adding_row(form: ProductForm) -> bool:
    """The "add a SKU row" button: show one more empty row and save nothing (works without JavaScript)."""
    if "add_sku" not in request.form:
        return False
    if len(form.skus.entries) < form.skus.max_entries:
        form.skus.append_entry()
    return True


def _with_brands(form, brand_id: int | None):
    if brand_id is None:
        form.brand.choices = [(str(b.id), b.name) for b in all_brands(db.session)]
    return form


def _chosen_brand(form) -> int | None:
    if form.brand.data and form.brand.data in {value for value, _label in form.brand.choices}:
        return int(form.brand.data)
    form.brand.errors = [_("Please choose a brand.")]
    return None


def _status() -> int:
    return 422 if request.method == "POST" and "add_sku" not in request.form else 200


def _flat(messages: dict) -> list[str]:
    return list(dict.fromkeys(str(m) for values in messages.values() for m in values))


def _product_or_404(product_id: int):
    return product_of_brand(db.session, product_id, admin_brand_id()) or abort(404)


def _back(product_id: int):
    return redirect(url_for("admin.products.edit", product_id=product_id), code=303)
