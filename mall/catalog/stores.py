"""A brand's stores as its admin keeps them: list, look up within the brand, create and edit (audited)."""
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from mall.audit.service import record
from mall.catalog.models import Store

NAME_MAX, ADDRESS_MAX, PHONE_MAX = 80, 200, 20  # the columns of stores


def stores_of_brand(brand_id: int | None) -> Select:
    """Every store of the brand (all brands for None), open ones first."""
    query = select(Store).options(joinedload(Store.brand)).order_by(Store.active.desc(), Store.id)
    return query if brand_id is None else query.where(Store.brand_id == brand_id)


def store_of_brand(session, store_id: int, brand_id: int | None) -> Store | None:
    """The store if it belongs to the brand (any brand for None): another brand's store is simply not found."""
    query = select(Store).where(Store.id == store_id)
    if brand_id is not None:
        query = query.where(Store.brand_id == brand_id)
    return session.scalar(query)


def save_store(session, brand_id: int, store_id: int | None, *, name: str, address: str, phone: str, active: bool,
               actor_id: int | None, now: datetime) -> Store:
    """Create (store_id None) or edit a store of the brand, audited; the caller checked the store is the brand's."""
    store = Store(brand_id=brand_id) if store_id is None else store_of_brand(session, store_id, brand_id)
    before = {} if store_id is None else _snapshot(store)
    store.name, store.address, store.phone, store.active = name, address, phone, active
    session.add(store)
    session.flush()
    after = _snapshot(store)
    record(session, action="store.create" if store_id is None else "store.update", brand_id=brand_id,
           actor_id=actor_id, now=now, subject=f"store:{store.id}",
           before={k: v for k, v in before.items() if after.get(k) != v},
           after={k: v for k, v in after.items() if before.get(k) != v})
    return store


def _snapshot(store: Store) -> dict:
    return {"name": store.name, "address": store.address, "phone": store.phone, "active": store.active}
