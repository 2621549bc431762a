"""pos: refunds recorded per payment method (a split tender's refund goes back to each original method)

Revision ID: 0033_pos_more
Revises: 0032_rentals
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_pos_more"
down_revision = "0032_rentals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sales_refund_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_sales_refund_payment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["sales_refund.id"], name=op.f("fk_sales_refund_payment_refund_id_sales_refund")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_refund_payment")),
        sa.UniqueConstraint("refund_id", "method", name=op.f("uq_sales_refund_payment_refund_id_method")),
    )
    with op.batch_alter_table("sales_refund_payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_refund_payment_refund_id"), ["refund_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sales_refund_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_refund_payment_refund_id"))
    op.drop_table("sales_refund_payment")
