"""CSV import of products and SKUs: validate every row first, then apply.

A file with errors changes nothing unless the admin ticks "import the valid rows"; errors are reported with
the row number a spreadsheet shows (the header is row 1). Products are matched by code within the brand,
SKUs by name within the product; a new code creates a product. The optional ratio columns set a product's own
split ratios, checked against the brand's commission cap row by row (mall.admin.products.import_ratios).
"""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from mall.admin.products.export import COLUMNS, TIME_FORMAT
from mall.admin.products.forms import to_utc
from mall.admin.products.import_ratios import RATIO_COLUMNS, current_overrides, limits_of, parse_ratios
from mall.catalog.editing import SKU_NAME_MAX, STOCK_MAX, TITLE_MAX, ProductInput, SkuInput, save_product
from mall.catalog.models import Product
from mall.commission.settings import SettingsError, save_product_ratios
from mall.money import parse_yuan
from mall.text import clean_text, unstorable

MAX_ROWS = 20_000
PROGRESS_EVERY = 100
CODE_RE = re.compile(r"^[A-Z0-9]{4,12}$")
REQUIRED = ("product_code", "title", "sku_name", "price", "stock")


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    problem: str | None = None  # the whole file is unreadable
    applied: bool = False
    created: int = 0
    updated: int = 0


@dataclass
class _Row:
    number: int
    code: str
    product: ProductInput
    sku: SkuInput
    ratios: dict[str, int | None] | None = None  # the product's override after the import; None: not in the file


def count_rows(data: bytes) -> int:
    """Roughly how many rows a file has (its lines), to decide whether it runs in the background."""
    return max(data.count(b"\n") - 1, 0)


def import_products(session, brand_id: int, data: bytes, *, apply_valid: bool, actor_id: int | None,
                    now: datetime, on_progress=None) -> ImportResult:
    """Validate the whole file, then apply it (or only its valid rows if asked); never a half-applied surprise.

    on_progress(done, total) is called every PROGRESS_EVERY rows: validating is the first half, applying the second.
    """
    result = ImportResult()
    report = on_progress or (lambda done, total: None)
    try:
        text = data.decode("utf-8-sig")
        records = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error):
        result.problem = str(_l("The file is not a readable UTF-8 CSV file."))
        return result
    if not records or not set(REQUIRED) <= {clean_text(h) for h in records[0]}:
        result.problem = str(_l("The first row must name the columns: %(columns)s.", columns=", ".join(COLUMNS)))
        return result
    header = [clean_text(h) for h in records[0]]
    body = [r for r in records[1:] if any(cell.strip() for cell in r)]
    if len(body) > MAX_ROWS:
        result.problem = str(_l("At most %(max)d rows per file, please.", max=MAX_ROWS))
        return result
    result.rows = len(body)
    cells_by_row = {number: cells for number, cells in enumerate(records[1:], start=2)
                    if any(cell.strip() for cell in cells)}
    # A cell no column can store is that row's bad value; it must not reach a query, not even the look-up below.
    broken = {number for number, cells in cells_by_row.items() if any(unstorable(cell) for cell in cells)}
    rows = {number: {name: _unquote(clean_text(cells[i])) if i < len(cells) else "" for i, name in enumerate(header)}
            for number, cells in cells_by_row.items() if number not in broken}
    valid: list[_Row] = []
    seen: set[tuple[str, str]] = set()
    codes = {v.get("product_code", "").upper() for v in rows.values()}
    foreign = _codes_of_other_brands(session, brand_id, codes)
    ratio_columns = [column for column in RATIO_COLUMNS if column in header]
    if ratio_columns:
        limits, overrides, ratios_of = limits_of(session, brand_id), current_overrides(session, brand_id, codes), {}
    for number in cells_by_row:
        if number % PROGRESS_EVERY == 0:
            report(number - 1, 2 * len(body))
        if number in broken:
            result.errors.append((number, str(_l("This row holds a character that cannot be stored (NUL)."))))
            continue
        row, message = _parse(number, rows[number])
        if row is not None and row.code in foreign:
            row, message = None, str(_l("Product code %(code)s belongs to another brand.", code=row.code))
        if row is not None and (row.code, row.sku.name) in seen:
            row, message = None, str(_l("This SKU appears twice in the file."))
        if row is not None and ratio_columns:
            row.ratios, message = parse_ratios(rows[number], ratio_columns, overrides.get(row.code), limits)
            if row.ratios is not None and ratios_of.setdefault(row.code, row.ratios) != row.ratios:
                message = str(_l("The ratios differ from an earlier row of product %(code)s.", code=row.code))
            if message:
                row = None
        if row is None:
            result.errors.append((number, message))
        else:
            seen.add((row.code, row.sku.name))
            valid.append(row)
    if result.errors and not apply_valid:
        return result
    _apply(session, brand_id, valid, result, actor_id=actor_id, now=now,
           on_applied=lambda done: report(len(body) + done, 2 * len(body)))
    result.applied = True
    return result


def _parse(number: int, v: dict) -> tuple[_Row | None, str]:
    code = v.get("product_code", "").upper()
    if not CODE_RE.match(code):
        return None, str(_l("The product code must be 4 to 12 letters or digits."))
    title = v.get("title", "")
    if not title or len(title) > TITLE_MAX:
        return None, str(_l("Please give a title of at most %(max)d characters.", max=TITLE_MAX))
    name = v.get("sku_name", "")
    if not name or len(name) > SKU_NAME_MAX:
        return None, str(_l("Please give a SKU name of at most %(max)d characters.", max=SKU_NAME_MAX))
    prices = {}
    for column in ("price", "list_price", "promo_price"):
        raw = v.get(column, "")
        if not raw and column != "price":
            prices[column] = None
            continue
        try:
            prices[column] = parse_yuan(raw)
        except ValueError:
            prices[column] = 0
        if prices[column] <= 0:
            return None, str(_l("%(column)s must be an amount above zero, such as 19.90.", column=column))
    stock_text = v.get("stock", "")
    if not stock_text.isdigit() or int(stock_text) > STOCK_MAX:
        return None, str(_l("Stock must be a whole number, 0 or more."))
    published = v.get("published", "").lower()
    if published not in ("", "yes", "no", "1", "0", "true", "false"):
        return None, str(_l("published must be yes or no."))
    ends = None
    if v.get("promo_ends_at"):
        try:
            ends = to_utc(datetime.strptime(v["promo_ends_at"], TIME_FORMAT))
        except ValueError:
            return None, str(_l("promo_ends_at must look like 2026-12-31 23:59."))
    product = ProductInput(title=title, subtitle=v.get("subtitle", "")[:200], promo_ends_at=ends,
                           published=published in ("yes", "1", "true"))
    sku = SkuInput(name=name, price_fen=prices["price"], list_price_fen=prices["list_price"],
                   promo_price_fen=prices["promo_price"], stock=int(stock_text))
    return _Row(number, code, product, sku), ""


def _unquote(text: str) -> str:
    """Undo the export's protection against spreadsheet formulas ('=…)."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def _codes_of_other_brands(session, brand_id: int, codes: set[str]) -> set[str]:
    found = set()
    listed = sorted(codes)
    for start in range(0, len(listed), 500):
        found |= set(session.scalars(select(func.upper(Product.code)).where(
            func.upper(Product.code).in_(listed[start:start + 500]), Product.brand_id != brand_id)))
    return found


def _apply(session, brand_id: int, rows: list[_Row], result: ImportResult, *, actor_id, now, on_applied) -> None:
    done = 0
    by_code: dict[str, list[_Row]] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    for code, group in by_code.items():
        product = session.scalars(select(Product).where(func.upper(Product.code) == code,
                                                        Product.brand_id == brand_id)).one_or_none()
        data = group[0].product
        if product is not None:
            skus_by_name = {sku.name: sku.id for sku in product.skus}
            for row in group:
                row.sku.id = skus_by_name.get(row.sku.name)
            data.description = product.description
        data.skus = [row.sku for row in group]
        saved = save_product(session, brand_id, product.id if product else None, data, actor_id=actor_id, now=now,
                             code=code)
        _apply_ratios(session, saved, group[0], result, actor_id=actor_id, now=now)
        if product is None:
            result.created += 1
        else:
            result.updated += 1
        if (done + len(group)) // PROGRESS_EVERY > done // PROGRESS_EVERY:
            on_applied(done + len(group))
        done += len(group)


def _apply_ratios(session, product: Product, row: _Row, result: ImportResult, *, actor_id, now) -> None:
    """Save the product's own ratios when the file changes them (audited like the product page's form)."""
    if row.ratios is None:
        return
    current = current_overrides(session, product.brand_id, {product.code.upper()}).get(product.code.upper())
    if row.ratios == (current or dict.fromkeys(row.ratios)):
        return  # unchanged: an exported file imported again writes no audit entries for ratios
    try:
        save_product_ratios(session, product.id, row.ratios, actor_id=actor_id, now=now)
    except SettingsError as err:  # the cap or the brand's ratios changed since the file was checked
        result.errors.append((row.number, " ".join(m for ms in err.messages.values() for m in ms)))
