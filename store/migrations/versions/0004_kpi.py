"""kpi tables (filled by the kpi domain).

Revision ID: 0004_kpi
Revises: 0003_footfall
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0004_kpi"
down_revision = "0003_footfall"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
