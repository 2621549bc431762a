"""shop_area: a shop's selling area as dated records (坪效 uses the area open each day)

Every existing shop gets one record from its opening day with the area it has now, which is what the
single column meant until now.

Revision ID: 0010_shop_area
Revises: 0009_bigint_money
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_shop_area"
down_revision = "0009_bigint_money"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shop_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("selling_area_m2", sa.Float(), nullable=False),
        sa.CheckConstraint("selling_area_m2 > 0", name=op.f("ck_shop_area_area_positive")),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_shop_area_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_shop_area_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_area")),
        sa.UniqueConstraint("shop_id", "effective_on", name=op.f("uq_shop_area_shop_id_effective_on")),
    )
    with op.batch_alter_table("shop_area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_area_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shop_area_store_id"), ["store_id"], unique=False)
    op.execute(
        "INSERT INTO shop_area (store_id, shop_id, effective_on, selling_area_m2) "
        "SELECT store_id, id, opened_on, selling_area_m2 FROM shop"
    )


def downgrade() -> None:
    with op.batch_alter_table("shop_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_area_store_id"))
        batch_op.drop_index(batch_op.f("ix_shop_area_shop_id"))
    op.drop_table("shop_area")
