"""imports tables (filled by the imports domain).

Revision ID: 0006_imports
Revises: 0005_assessment
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0006_imports"
down_revision = "0005_assessment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
