"""Reads what the harness needs from the database it made, in a process of its own (the app's configuration
comes from the environment bench.run sets): `python -m bench.probe targets|heavy|counts` prints JSON."""
import json
import sys
from datetime import datetime

from sqlalchemy import text

from bench.dataset import heavy_phone
from mall import create_app
from mall.extensions import db
from mall.partner.pages import Cursor


def q(sql: str, **params):
    return db.session.execute(text(sql), params).scalar()


def targets() -> dict:
    """The demo's product, a partner of its brand and the brand, which the web scenarios open."""
    return {"product": q("select code from products where published order by id limit 1"),
            "partner": q("select p.code from partners p join products x on x.brand_id = p.brand_id "
                         "where p.status = 'active' and x.published order by x.id, p.id limit 1"),
            "brand": q("select b.slug from brands b join products x on x.brand_id = b.id order by x.id limit 1"),
            # A live room if the demo has one (a live one first): the room page is a scenario of its own.
            "room": q("select code from live_rooms order by case state when 'live' then 0 else 1 end, id limit 1")}


def heavy() -> dict:
    brand = q("select min(id) from brands where slug like 'bench1-%'")
    partner = q("select p.id from partners p join users u on u.id = p.user_id where u.phone = :phone",
                phone=heavy_phone(brand))
    return {"brand": brand, "partner": partner, "deepest_cursor": deepest_cursor(partner),
            "orders": q("select count(distinct order_id) from commission_shares where partner_id = :p", p=partner),
            "entries": q("select count(*) from ledger_entries e join accounts a on a.id = e.account_id "
                         "where a.owner_kind = 'partner' and a.owner_id = :p", p=partner)}


def deepest_cursor(partner: int) -> str:
    """The order list's cursor whose next page is the last one (the oldest ten orders)."""
    row = db.session.execute(text(
        "select o.created_at, o.id from orders o where o.id in (select order_id from commission_shares "
        "where partner_id = :p) order by o.created_at, o.id limit 1 offset 10"), {"p": partner}).first()
    if row is None:
        return ""
    moment = row[0] if isinstance(row[0], datetime) else datetime.fromisoformat(row[0])  # SQLite: text
    return Cursor(moment, row[1]).token()


def counts() -> dict:
    tables = ("brands", "products", "stores", "partners", "orders", "order_attributions", "commission_shares",
              "ledger_entries")
    return {**{table: q(f"select count(*) from {table}") for table in tables},
            "pending_shares": q("select count(*) from commission_shares where status = 'pending'")}


BENCH_STOCK = 1_000_000


HELD = ("(select coalesce(sum(l.quantity), 0) from order_lines l join orders o on o.id = l.order_id "
        "where l.sku_id = s.id and o.status <> 'cancelled')")


def skus() -> dict:
    """Every published SKU with a partner of its brand, each given a stock no checkout run sells out (bench.checkout);
    stock_and_held (stock left + units of orders that hold it) must be the same after the run: nothing oversold."""
    db.session.execute(text("update skus set stock = :s where product_id in (select id from products where published)"),
                       {"s": BENCH_STOCK})
    db.session.commit()
    rows = db.session.execute(text(
        "select x.code, s.id, (select min(p.code) from partners p where p.brand_id = x.brand_id and p.status = 'active'),"
        f" s.stock + {HELD} from skus s join products x on x.id = s.product_id where x.published order by s.id")).all()
    return {"skus": [{"product": code, "sku_id": sku, "partner": partner, "stock_and_held": total}
                     for code, sku, partner, total in rows if partner]}


def stock() -> dict:
    rows = db.session.execute(text(f"select s.id, s.stock + {HELD} from skus s")).all()
    return {"skus": [{"sku_id": sku, "stock_and_held": total} for sku, total in rows]}


if __name__ == "__main__":
    with create_app().app_context():
        print(json.dumps({"targets": targets, "heavy": heavy, "counts": counts, "skus": skus,
                          "stock": stock}[sys.argv[1]]()))
