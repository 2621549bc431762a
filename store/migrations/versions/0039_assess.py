"""assessment: a partial index of the online orders placed by members (S5's monthly-active members)

Revision ID: 0039_assess
Revises: 0038_mkt_more
Create Date: 2026-12-01 05:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0039_assess"
down_revision = "0038_mkt_more"
branch_labels = None
depends_on = None

# Only online and live-stream orders with a member: the tills' in-store sales never enter it.
WHERE = "channel IN ('online', 'live') AND member_id IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_sales_order_online_members",
        "sales_order",
        ["store_id", "business_on", "channel", "member_id"],
        unique=False,
        sqlite_where=sa.text(WHERE),
        postgresql_where=sa.text(WHERE),
    )


def downgrade() -> None:
    op.drop_index("ix_sales_order_online_members", table_name="sales_order")
