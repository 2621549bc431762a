"""assessment tables (filled by the assessment domain).

Revision ID: 0005_assessment
Revises: 0004_kpi
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005_assessment"
down_revision = "0004_kpi"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
