"""jobs: the lock row that lets one `smartstore worker` run per database (worker_lock)

Revision ID: 0008_worker_lock
Revises: 0007_auth_throttle
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_worker_lock"
down_revision = "0007_auth_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Before this revision the worker created the table itself; such a table is replaced.
    op.execute("DROP TABLE IF EXISTS worker_lock")
    op.create_table(
        "worker_lock",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_lock")),
    )


def downgrade() -> None:
    op.drop_table("worker_lock")
