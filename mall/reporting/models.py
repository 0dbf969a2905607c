"""The daily roll-up of sales per brand, China day and report dimension, and what each paid order put into it.

The reports over a year of a million orders read a few thousand roll-up rows instead of grouping the orders.
Each order's own contribution is kept so that a change is applied as a difference: replaying an event, or
the several events of one refund, can never count an order twice."""
from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mall.extensions import db

NO_ID = 0  # the key of orders without a store, guide, sharer or live room (ids start at 1)


class OrderSalesFact(db.Model):
    """One paid order as the reports count it: its China day of payment, its dimension keys and its figures."""

    __tablename__ = "report_order_facts"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"))
    day: Mapped[date] = mapped_column(Date)
    store_id: Mapped[int] = mapped_column(Integer)
    guide_id: Mapped[int] = mapped_column(Integer)
    sharer_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(32))
    live_room_id: Mapped[int] = mapped_column(Integer)
    gmv_fen: Mapped[int] = mapped_column(BigInteger)
    commission_fen: Mapped[int] = mapped_column(BigInteger)


class DailySales(db.Model):
    """Orders, GMV and commission of one brand on one China day for one value of one dimension."""

    __tablename__ = "report_daily_sales"
    __table_args__ = (Index("ix_report_daily_sales_dimension_day", "dimension", "day", "brand_id"),)

    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # store, guide, sharer or room id, or NO_ID
    key_text: Mapped[str] = mapped_column(String(32), primary_key=True)  # the channel; "" otherwise
    orders: Mapped[int] = mapped_column(Integer)
    gmv_fen: Mapped[int] = mapped_column(BigInteger)
    commission_fen: Mapped[int] = mapped_column(BigInteger)
