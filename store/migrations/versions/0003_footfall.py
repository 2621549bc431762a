"""footfall tables (filled by the footfall domain).

Revision ID: 0003_footfall
Revises: 0002_sales
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0003_footfall"
down_revision = "0002_sales"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
