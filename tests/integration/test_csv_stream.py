"""The shared CSV writer of the exports (mall/csv_stream.py): header first, one query read in batches."""
import csv
import io

from sqlalchemy import event, select

from mall.catalog.models import Product
from mall.csv_stream import BOM, ROWS_PER_CHUNK, batches, cell, csv_text


def test_the_header_leaves_before_any_row_is_read():
    read = []

    def rows():
        read.append(True)
        yield ["1", "x"]

    chunks = csv_text(["Order", "Name"], rows())
    assert next(chunks) == BOM + "Order,Name\r\n"
    assert read == []
    assert list(chunks) == ["1,x\r\n"]


def test_rows_are_sent_in_chunks_and_parse_back():
    chunks = list(csv_text(["n"], ([str(i)] for i in range(ROWS_PER_CHUNK * 2 + 1))))
    assert len(chunks) == 4  # header, two full chunks, the rest
    parsed = list(csv.reader(io.StringIO("".join(chunks)[1:])))
    assert parsed[0] == ["n"] and [int(r[0]) for r in parsed[1:]] == list(range(ROWS_PER_CHUNK * 2 + 1))


def test_formulas_are_neutralised():
    assert [cell(t) for t in ("=SUM(A1)", "+1", "-1", "@x", "\tx", "\rx", "王小明")] == \
        ["'=SUM(A1)", "'+1", "'-1", "'@x", "'\tx", "'\rx", "王小明"]


def test_batches_come_from_one_query(make, db):
    brand = make.brand()
    made = [make.product(brand).id for _ in range(5)]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        got = [[p.id for p in batch] for batch in
               batches(db.session, select(Product).where(Product.brand_id == brand.id).order_by(Product.id), 2)]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert got == [made[0:2], made[2:4], made[4:5]]
    assert len([s for s in statements if "FROM products" in s]) == 1
