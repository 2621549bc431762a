"""assessment: snapshots of costly figures kept per data version (S6 parity)

Revision ID: 0035_assess_snap
Revises: 0030_marketing
Create Date: 2026-12-01 01:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0035_assess_snap"
down_revision = "0030_marketing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=8), nullable=False),
        sa.Column("span", sa.String(length=80), nullable=False),
        sa.Column("data_version", sa.String(length=200), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_assessment_snapshot_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_snapshot")),
        sa.UniqueConstraint(
            "store_id", "indicator", "span", name=op.f("uq_assessment_snapshot_store_id_indicator_span")
        ),
    )


def downgrade() -> None:
    op.drop_table("assessment_snapshot")
