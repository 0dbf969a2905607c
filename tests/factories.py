"""Tiny factories for tests: objects with sensible defaults, committed at once."""
from datetime import timedelta
from itertools import count

from mall.accounts.models import Role, User
from mall.catalog.models import Brand, Product, ProductImage, Sku, Store
from mall.clock import utcnow
from mall.codes import short_code

PASSWORD = "secret-pass-1"
_seq = count(1)


class Factory:
    def __init__(self, session):
        self.session = session

    def _save(self, obj):
        self.session.add(obj)
        self.session.commit()
        return obj

    def brand(self, name: str | None = None, **kw) -> Brand:
        n = next(_seq)
        return self._save(Brand(slug=kw.pop("slug", f"brand{n}"), name=name or f"Brand {n}", **kw))

    def store(self, brand: Brand, name: str | None = None, **kw) -> Store:
        return self._save(Store(brand_id=brand.id, name=name or f"Store {next(_seq)}", **kw))

    def product(self, brand: Brand | None = None, skus=(("Default", 9900, 10),), published=True,
                promo=None, **kw) -> Product:
        """skus: (name, price_fen, stock) tuples; promo: (promo_price_fen, ends_in: timedelta)."""
        brand = brand or self.brand()
        product = Product(brand_id=brand.id, code=short_code(), title=kw.pop("title", f"Product {next(_seq)}"),
                          published=published, **kw)
        if promo:
            product.promo_ends_at = utcnow() + promo[1]
        self.session.add(product)
        self.session.flush()
        for position, (name, price, stock) in enumerate(skus):
            self.session.add(Sku(product_id=product.id, name=name, price_fen=price, stock=stock,
                                 position=position, promo_price_fen=promo[0] if promo else None))
        self.session.add(ProductImage(product_id=product.id, path="demo/product-01.png"))
        self.session.commit()
        return product

    def user(self, role: Role = Role.CONSUMER, *, brand: Brand | None = None, store: Store | None = None,
             phone: str | None = None, email: str | None = None, name: str = "Test User", **kw) -> User:
        n = next(_seq)
        if phone is None and email is None:
            phone = f"139{n:08d}"
        user = User(phone=phone, email=email, name=name, role=role,
                    brand_id=brand.id if brand else (store.brand_id if store else None),
                    store_id=store.id if store else None, **kw)
        user.set_password(PASSWORD)
        return self._save(user)


def hours(n: int) -> timedelta:
    return timedelta(hours=n)
