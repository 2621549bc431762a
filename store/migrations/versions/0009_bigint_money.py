"""money in fen and the rollups' order counts become 64-bit (BIGINT)

A 32-bit INTEGER stops at 2,147,483,647 fen (¥21,474,836.47): one flagship order on Double 11, or a
tenant's declared total, can pass it, and then the sale fails in the database.

Revision ID: 0009_bigint_money
Revises: 0008_worker_lock
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_bigint_money"
down_revision = "0008_worker_lock"
branch_labels = None
depends_on = None

# table → columns that become BIGINT (kpi money and footfall_in were BIGINT from 0004_kpi).
COLUMNS = {
    "sales_order": ("subtotal_fen", "discount_fen", "total_fen", "refunded_fen"),
    "sales_order_line": ("unit_price_fen", "discount_fen", "total_fen"),
    "sales_payment": ("amount_fen",),
    "sales_refund": ("amount_fen",),
    "sales_daily_total": ("revenue_fen", "refunds_fen"),
    "kpi_sales_daily": ("orders", "member_orders"),
}


def _alter(old: type[sa.types.TypeEngine], new: type[sa.types.TypeEngine]) -> None:
    # SQLite stores every INTEGER in up to 64 bits already; recreating sales_order there (batch mode)
    # would drop a table its lines, payments and refunds reference, which foreign keys refuse.
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=new(), existing_type=old(), existing_nullable=False)


def upgrade() -> None:
    _alter(sa.Integer, sa.BigInteger)


def downgrade() -> None:
    # Fails on PostgreSQL when a stored amount no longer fits 32 bits: nothing is silently cut.
    _alter(sa.BigInteger, sa.Integer)
