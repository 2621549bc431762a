"""assessment: snapshots of costly figures kept per data version (S6 parity),
and indexes for the activity counts of S2, S5 and M3

Revision ID: 0035_assess_snap
Revises: 0033_pos_more
Create Date: 2026-12-01 01:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0035_assess_snap"
down_revision = "0033_pos_more"
branch_labels = None
depends_on = None

INDEXES = (
    ("member", "ix_member_store_sign_in", ["store_id", "last_sign_in_at"]),
    ("member", "ix_member_store_code_step", ["store_id", "code_last_step"]),
    ("member", "ix_member_store_joined", ["store_id", "joined_at"]),
    ("member_token", "ix_member_token_created", ["created_at"]),
    ("points_entry", "ix_points_entry_store_day", ["store_id", "business_on", "kind", "member_id"]),
)


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
    # The self-assessment's activity counts (S2, S5, M3) read ranges of these instead of whole tables.
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    op.drop_table("assessment_snapshot")
