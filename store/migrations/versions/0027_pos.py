"""pos: till sequence numbers on sales, till heartbeats, missing-sale alarms

Revision ID: 0027_pos
Revises: 0026_fac_credit
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_pos"
down_revision = "0026_fac_credit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("till_seq", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_sales_order_terminal_id_till_seq"), ["terminal_id", "till_seq"]
        )

    op.create_table(
        "pos_till",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("last_heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outbox_backlog", sa.Integer(), nullable=False),
        sa.Column("oldest_pending_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dead_letters", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("dead_seqs", sa.String(length=2000), nullable=False),
        sa.Column("price_book_version", sa.Integer(), nullable=True),
        sa.Column("agent_version", sa.String(length=40), nullable=False),
        sa.Column("shift_open", sa.Boolean(), nullable=False),
        sa.Column("contiguous_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_pos_till_device_id_device")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_pos_till_store_id_store")),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_pos_till")),
    )
    with op.batch_alter_table("pos_till", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pos_till_store_id"), ["store_id"], unique=False)

    op.create_table(
        "pos_sequence_gap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_pos_sequence_gap_device_id_device")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_pos_sequence_gap_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pos_sequence_gap")),
        sa.UniqueConstraint("device_id", "first_seq", name=op.f("uq_pos_sequence_gap_device_id_first_seq")),
    )
    with op.batch_alter_table("pos_sequence_gap", schema=None) as batch_op:
        batch_op.create_index("ix_pos_sequence_gap_open", ["store_id", "resolved_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pos_sequence_gap", schema=None) as batch_op:
        batch_op.drop_index("ix_pos_sequence_gap_open")
    op.drop_table("pos_sequence_gap")
    with op.batch_alter_table("pos_till", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pos_till_store_id"))
    op.drop_table("pos_till")
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_sales_order_terminal_id_till_seq"), type_="unique")
        batch_op.drop_column("till_seq")
