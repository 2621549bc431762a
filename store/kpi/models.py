"""Tables of the kpi domain: daily rollups of sales and footfall, kept up to date incrementally."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, String, Table, UniqueConstraint
from sqlmodel import Field, SQLModel

# The columns that identify one rollup row of kpi_sales_daily (its upsert key).
SALES_KEY = ("store_id", "business_on", "shop_id", "channel", "source")
# The columns a sale, refund or declared total adds to.
SALES_SUMS = ("revenue_fen", "refunds_fen", "orders", "member_orders", "member_revenue_fen")


class KpiSalesDaily(SQLModel, table=True):
    """Sales of one shop on one business day through one channel and source.

    ``revenue_fen`` is gross (what was paid); refunds are counted on the refund's own business day, so
    net revenue of a day is ``revenue_fen - refunds_fen`` and history never changes after the fact.
    """

    __tablename__ = "kpi_sales_daily"
    __table_args__ = (UniqueConstraint(*SALES_KEY),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    business_on: date
    shop_id: int = Field(foreign_key="shop.id", index=True)
    channel: str = Field(sa_type=String(20))
    source: str = Field(sa_type=String(20))
    revenue_fen: int = Field(default=0, sa_type=BigInteger)
    refunds_fen: int = Field(default=0, sa_type=BigInteger)
    orders: int = Field(default=0, sa_type=BigInteger)
    member_orders: int = Field(default=0, sa_type=BigInteger)
    member_revenue_fen: int = Field(default=0, sa_type=BigInteger)


class KpiFootfallDaily(SQLModel, table=True):
    """People who came in through the store's entrances on one business day."""

    __tablename__ = "kpi_footfall_daily"
    __table_args__ = (UniqueConstraint("store_id", "business_on"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    business_on: date
    footfall_in: int = Field(default=0, sa_type=BigInteger)


# Core handles of the two tables, for the upserts and aggregate queries of the service.
SALES_TABLE: Table = KpiSalesDaily.__table__  # type: ignore[attr-defined]
FOOTFALL_TABLE: Table = KpiFootfallDaily.__table__  # type: ignore[attr-defined]
