"""Partner sharing operations (personal token): the brand's content pool with the partner's link filled in
(mall.content, as the share centre shows it) and the partner's storefront picks (mall.storefront, 选品)."""
from mall.api.auth import PARTNER, current_token
from mall.api.blueprint import bp
from mall.api.operations import operation
from mall.api.partner import current_partner
from mall.api.problems import ApiProblem
from mall.api.schemas.sharing import ContentPageOut, ContentQuery, PickIn, StorefrontOut
from mall.catalog.pages import published_product_by_code
from mall.clock import utcnow
from mall.content.pool import live_items, record_event
from mall.extensions import db
from mall.media.extension import image_url
from mall.partner.share_cards import content_cards
from mall.storefront.picks import StorefrontError, pick, shown_products, storefront_of, unpick

PER_PAGE = 20


@operation(bp, "/partner/brands/<brand>/content", summary="The brand's content pool, with the partner's link "
           "filled into each copy", tag="partner", audience=PARTNER, query=ContentQuery(), response=ContentPageOut())
def content(brand: str, query: dict):
    partner, now = current_partner(brand), utcnow()
    page = db.paginate(live_items(partner.brand_id, now, query["q"]), page=query["page"], per_page=PER_PAGE,
                       error_out=False)
    for item in page.items:  # shown to the partner: the top of the item's funnel, as in the share centre
        record_event(db.session, item_id=item.id, partner_id=partner.id, kind="view", now=now)
    return {"page": page.page, "pages": page.pages, "items": [
        {"id": card.item.id, "code": card.item.code, "title": card.item.title, "text": card.text, "url": card.url,
         "product_code": card.item.product.code if card.item.product else None,
         "image_urls": [image_url(image.path, external=True) for image in card.item.images]}
        for card in content_cards(partner, page.items)]}


@operation(bp, "/partner/storefront", summary="The partner's storefront and its picked products, in order",
           tag="partner", audience=PARTNER, response=StorefrontOut())
def storefront():
    return _storefront()


@operation(bp, "/partner/storefront/picks", "POST", summary="Pick a product into the storefront (选品)",
           tag="partner", audience=PARTNER, body=PickIn(), response=StorefrontOut(), status=201)
def add_pick(body: dict):
    product = published_product_by_code(db.session, body["product_code"])
    try:
        if product is None:
            raise StorefrontError()
        pick(db.session, current_token().user_id, product.id, now=utcnow())
    except StorefrontError as err:
        raise ApiProblem("validation-failed", errors=[{"field": "product_code", "message": str(err.message)}]) \
            from err
    return _storefront()


@operation(bp, "/partner/storefront/picks/<code>", "DELETE", summary="Take a product out of the storefront",
           tag="partner", audience=PARTNER, response=StorefrontOut())
def remove_pick(code: str):
    product = published_product_by_code(db.session, code)
    if product is not None:
        unpick(db.session, current_token().user_id, product.id, now=utcnow())
    return _storefront()


def _storefront() -> dict:
    mine = storefront_of(db.session, current_token().user_id)
    if mine is None:
        return {"title": "", "intro": "", "products": []}
    return {"title": mine.title, "intro": mine.intro, "products": [
        {"code": p.code, "title": p.title, "brand": p.brand.slug} for p in shown_products(db.session, mine)]}
