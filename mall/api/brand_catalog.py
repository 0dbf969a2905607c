"""Brand operations on the catalogue and the rules (brand API key): products with their prices, stock and
split ratios, and the commission settings, through the services the admin console calls (audited the same
way, with no user: an API key made the change). Another brand's product is not found.
"""
from mall.api.auth import BRAND, current_token
from mall.api.blueprint import bp
from mall.api.operations import operation
from mall.api.problems import ApiProblem
from mall.api.schemas.brand import (
    BrandProductOut,
    CommissionSettingsIn,
    CommissionSettingsOut,
    ProductChangeIn,
    ProductIn,
    ProductsPageOut,
)
from mall.api.schemas.partner import PageQuery
from mall.catalog.editing import (
    ProductError,
    ProductInput,
    SkuInput,
    product_of_brand,
    products_of_brand,
    save_product,
)
from mall.clock import utcnow
from mall.commission.models import ProductRatio
from mall.commission.settings import (
    RATIO_FIELDS,
    SettingsError,
    save_product_ratios,
    save_settings,
    settings_for,
    snapshot,
)
from mall.extensions import db

TAG = "brand"
PER_PAGE = 20


def _brand_id() -> int:
    return current_token().brand_id


@operation(bp, "/brand/products", summary="The brand's products, newest first", tag=TAG, audience=BRAND,
           query=PageQuery(), response=ProductsPageOut())
def products(query: dict):
    page = db.paginate(products_of_brand(_brand_id()), page=query["page"], per_page=PER_PAGE, error_out=False)
    return {"page": page.page, "pages": page.pages, "items": [_product(p) for p in page.items]}


@operation(bp, "/brand/products", "POST", summary="Create a product with its SKUs", tag=TAG, audience=BRAND,
           body=ProductIn(), response=BrandProductOut(), status=201)
def create_product(body: dict):
    data = ProductInput(title=body["title"], subtitle=body["subtitle"], description=body["description"],
                        published=body["published"], skus=[SkuInput(**sku) for sku in body["skus"]])
    try:
        product = save_product(db.session, _brand_id(), None, data, actor_id=None, now=utcnow())
    except ProductError as err:
        raise ApiProblem("validation-failed", errors=[{"field": "body", "message": m} for m in err.messages]) from err
    return _product(product)


@operation(bp, "/brand/products/<int:product_id>", "PATCH", summary="Change prices, stock, publication or split "
           "ratios of a product", tag=TAG, audience=BRAND, body=ProductChangeIn(), response=BrandProductOut())
def change_product(product_id: int, body: dict):
    product = product_of_brand(db.session, product_id, _brand_id()) or _not_found("product")
    now = utcnow()
    if "skus" in body or "published" in body:
        changes = {change["id"]: change for change in body.get("skus", ())}
        if set(changes) - {sku.id for sku in product.skus}:
            raise ApiProblem("validation-failed", errors=[{"field": "skus", "message": "Not a SKU of this product."}])
        skus = [SkuInput(id=sku.id, name=sku.name, price_fen=changes.get(sku.id, {}).get("price_fen", sku.price_fen),
                         stock=changes.get(sku.id, {}).get("stock", sku.stock), list_price_fen=sku.list_price_fen,
                         promo_price_fen=sku.promo_price_fen) for sku in product.skus]
        data = ProductInput(title=product.title, subtitle=product.subtitle, description=product.description,
                            promo_ends_at=product.promo_ends_at, published=body.get("published", product.published),
                            skus=skus)
        try:
            product = save_product(db.session, product.brand_id, product.id, data, actor_id=None, now=now)
        except ProductError as err:
            raise ApiProblem("validation-failed",
                             errors=[{"field": "skus", "message": m} for m in err.messages]) from err
    if body.get("ratios"):
        try:
            save_product_ratios(db.session, product.id, body["ratios"], actor_id=None, now=now)
        except SettingsError as err:
            raise _settings_problem(err, prefix="ratios") from err
    return _product(product)


@operation(bp, "/brand/commission-settings", summary="The brand's commission rules in force", tag=TAG,
           audience=BRAND, response=CommissionSettingsOut())
def commission_settings():
    settings = settings_for(db.session, _brand_id())
    return {**snapshot(settings), "max_total_bp": settings.max_total_bp}


@operation(bp, "/brand/commission-settings", "PATCH", summary="Change the brand's commission rules (new orders "
           "only)", tag=TAG, audience=BRAND, body=CommissionSettingsIn(), response=CommissionSettingsOut())
def change_commission_settings(body: dict):
    try:
        settings = save_settings(db.session, _brand_id(), body, actor_id=None, now=utcnow())
    except SettingsError as err:
        raise _settings_problem(err) from err
    return {**snapshot(settings), "max_total_bp": settings.max_total_bp}


def _settings_problem(err: SettingsError, prefix: str = "") -> ApiProblem:
    return ApiProblem("validation-failed", errors=[
        {"field": ".".join(part for part in (prefix, name) if part) or "body", "message": message}
        for name, messages in err.messages.items() for message in messages])


def _product(product) -> dict:
    override = db.session.get(ProductRatio, product.id)
    return {"id": product.id, "code": product.code, "title": product.title, "subtitle": product.subtitle,
            "published": product.published, "skus": list(product.skus),
            "ratios": {name: getattr(override, name) if override else None for name in RATIO_FIELDS}}


def _not_found(what: str):
    raise ApiProblem("not-found", f"No such {what}.")
