"""marketing: a campaign may name the catalog promotion whose kiosk claim QR gives its coupon

Revision ID: 0038_mkt_more
Revises: 0037_analytics
"""

import sqlalchemy as sa
from alembic import op

revision = "0038_mkt_more"
down_revision = "0037_analytics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain column (checked by the service against the store's promotions): adding a foreign key on SQLite
    # would rebuild marketing_campaign, which the coupons and redemptions reference.
    op.add_column("marketing_campaign", sa.Column("promotion_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Both PostgreSQL and SQLite (3.35+) drop a plain column in place: no rebuild of a referenced table.
    op.execute("ALTER TABLE marketing_campaign DROP COLUMN promotion_id")
