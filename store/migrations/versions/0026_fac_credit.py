"""facilities and credit: devices' answers to commands, the shopfront photo of the public credit page, appeals

Revision ID: 0026_fac_credit
Revises: 0024_omni_orders
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_fac_credit"
down_revision = "0024_omni_orders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facility_command_ack",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("command_id", sa.BigInteger(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["facility_device.id"], name=op.f("fk_facility_command_ack_device_id_facility_device")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_facility_command_ack_store_id_store")),
        sa.PrimaryKeyConstraint("device_id", "command_id", name=op.f("pk_facility_command_ack")),
    )
    with op.batch_alter_table("facility_command_ack", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facility_command_ack_store_id"), ["store_id"], unique=False)
    op.create_table(
        "credit_shopfront",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_shopfront_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_shopfront_store_id_store")),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_credit_shopfront")),
    )
    with op.batch_alter_table("credit_shopfront", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_shopfront_store_id"), ["store_id"], unique=False)


    op.create_table(
        "credit_appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("reason_text", sa.String(length=255), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_appeal_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_appeal_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_appeal")),
    )
    with op.batch_alter_table("credit_appeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_appeal_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_appeal_store_id"), ["store_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("credit_appeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_appeal_store_id"))
        batch_op.drop_index(batch_op.f("ix_credit_appeal_shop_id"))
    op.drop_table("credit_appeal")
    with op.batch_alter_table("credit_shopfront", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_shopfront_store_id"))
    op.drop_table("credit_shopfront")
    with op.batch_alter_table("facility_command_ack", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facility_command_ack_store_id"))
    op.drop_table("facility_command_ack")
