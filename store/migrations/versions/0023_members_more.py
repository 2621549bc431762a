"""members: offline member-code claims (tills at sync); sales: refund lines (points undone per line)

Revision ID: 0023_members_more
Revises: 0022_facilities
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_members_more"
down_revision = "0022_facilities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_code_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("order_no", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_member_code_claim_member_id_member")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_member_code_claim_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_code_claim")),
        sa.UniqueConstraint("member_id", "step", name=op.f("uq_member_code_claim_member_id_step")),
        sa.UniqueConstraint("store_id", "order_no", name=op.f("uq_member_code_claim_store_id_order_no")),
    )
    op.create_table(
        "sales_refund_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sales_refund_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["sales_refund.id"], name=op.f("fk_sales_refund_line_refund_id_sales_refund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_refund_line")),
        sa.UniqueConstraint("refund_id", "line_no", name=op.f("uq_sales_refund_line_refund_id_line_no")),
    )
    with op.batch_alter_table("sales_refund_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_refund_line_refund_id"), ["refund_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sales_refund_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_refund_line_refund_id"))
    op.drop_table("sales_refund_line")
    op.drop_table("member_code_claim")
