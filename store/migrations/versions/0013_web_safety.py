"""web safety: the shared rate limiter's counters (rate_limit_counter)

Revision ID: 0013_web_safety
Revises: 0009_bigint_money
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_web_safety"
down_revision = "0012_imports_stream"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counter",
        sa.Column("bucket", sa.String(length=128), nullable=False),
        sa.Column("window_start", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_rate_limit_counter")),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_counter")
