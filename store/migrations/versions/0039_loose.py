"""pos: sales discarded at the till (their numbers close the missing-sale alarm), how each alarm closed

Revision ID: 0039_loose
Revises: 0039_assess
"""

import sqlalchemy as sa
from alembic import op

revision = "0039_loose"
down_revision = "0039_assess"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pos_discarded_sale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("till_seq", sa.Integer(), nullable=False),
        sa.Column("order_no", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_pos_discarded_sale_device_id_device")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_pos_discarded_sale_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pos_discarded_sale")),
        sa.UniqueConstraint("device_id", "till_seq", name=op.f("uq_pos_discarded_sale_device_id_till_seq")),
    )
    op.create_index(op.f("ix_pos_discarded_sale_store_id"), "pos_discarded_sale", ["store_id"], unique=False)
    # A plain column with a default: no rebuild of the table on SQLite.
    op.add_column(
        "pos_sequence_gap", sa.Column("closed_as", sa.String(length=20), nullable=False, server_default="")
    )


def downgrade() -> None:
    op.execute("ALTER TABLE pos_sequence_gap DROP COLUMN closed_as")
    op.drop_index(op.f("ix_pos_discarded_sale_store_id"), table_name="pos_discarded_sale")
    op.drop_table("pos_discarded_sale")
