"""catalog: products, SKUs, price books, price changes, promotions, stock; orders name their price-book version

Revision ID: 0018_catalog
Revises: 0017_points
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_catalog"
down_revision = "0017_points"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_book_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_catalog_book_version_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_book_version")),
        sa.UniqueConstraint("store_id", "version", name=op.f("uq_catalog_book_version_store_id_version")),
    )
    op.create_table(
        "catalog_price_book",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("tax_included", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_catalog_price_book_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_price_book")),
        sa.UniqueConstraint("store_id", "channel", name=op.f("uq_catalog_price_book_store_id_channel")),
    )
    op.create_table(
        "catalog_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("brand", sa.String(length=60), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_catalog_product_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_catalog_product_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_product")),
        sa.UniqueConstraint("store_id", "code", name=op.f("uq_catalog_product_store_id_code")),
    )
    with op.batch_alter_table("catalog_product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_product_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "catalog_sku",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("barcode", sa.String(length=32), nullable=False),
        sa.Column("spec", sa.String(length=120), nullable=False),
        sa.Column("tax_rate_bp", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("tax_rate_bp >= 0 AND tax_rate_bp <= 10000", name=op.f("ck_catalog_sku_tax_rate_range")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["catalog_product.id"], name=op.f("fk_catalog_sku_product_id_catalog_product")
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_catalog_sku_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_catalog_sku_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_sku")),
        sa.UniqueConstraint("store_id", "code", name=op.f("uq_catalog_sku_store_id_code")),
    )
    with op.batch_alter_table("catalog_sku", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_sku_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_catalog_sku_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index("ix_catalog_sku_store_rev", ["store_id", "rev", "id"], unique=False)

    op.create_table(
        "catalog_price_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("price_fen >= 0", name=op.f("ck_catalog_price_change_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["staff_user.id"], name=op.f("fk_catalog_price_change_decided_by_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["staff_user.id"], name=op.f("fk_catalog_price_change_requested_by_staff_user")
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_catalog_price_change_shop_id_shop")),
        sa.ForeignKeyConstraint(
            ["sku_id"], ["catalog_sku.id"], name=op.f("fk_catalog_price_change_sku_id_catalog_sku")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_catalog_price_change_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_price_change")),
    )
    with op.batch_alter_table("catalog_price_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_price_change_sku_id"), ["sku_id"], unique=False)
        batch_op.create_index("ix_catalog_price_change_store_status", ["store_id", "status"], unique=False)

    op.create_table(
        "catalog_promotion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("percent_off", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("sku_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_catalog_promotion_ends_after_start")),
        sa.CheckConstraint("percent_off >= 1 AND percent_off <= 99", name=op.f("ck_catalog_promotion_percent_range")),
        sa.ForeignKeyConstraint(["sku_id"], ["catalog_sku.id"], name=op.f("fk_catalog_promotion_sku_id_catalog_sku")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_catalog_promotion_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_promotion")),
    )
    with op.batch_alter_table("catalog_promotion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_promotion_store_id"), ["store_id"], unique=False)

    op.create_table(
        "catalog_reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_catalog_reservation_quantity_positive")),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_catalog_reservation_shop_id_shop")),
        sa.ForeignKeyConstraint(["sku_id"], ["catalog_sku.id"], name=op.f("fk_catalog_reservation_sku_id_catalog_sku")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_catalog_reservation_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_reservation")),
    )
    with op.batch_alter_table("catalog_reservation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_reservation_store_id"), ["store_id"], unique=False)

    op.create_table(
        "catalog_stock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reserved >= 0 AND reserved <= on_hand", name=op.f("ck_catalog_stock_reserved_within_on_hand")
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_catalog_stock_shop_id_shop")),
        sa.ForeignKeyConstraint(["sku_id"], ["catalog_sku.id"], name=op.f("fk_catalog_stock_sku_id_catalog_sku")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_catalog_stock_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_stock")),
        sa.UniqueConstraint("shop_id", "sku_id", name=op.f("uq_catalog_stock_shop_id_sku_id")),
    )
    with op.batch_alter_table("catalog_stock", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalog_stock_sku_id"), ["sku_id"], unique=False)

    op.create_table(
        "catalog_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("sku_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("price_fen >= 0", name=op.f("ck_catalog_price_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["change_id"], ["catalog_price_change.id"], name=op.f("fk_catalog_price_change_id_catalog_price_change")
        ),
        sa.ForeignKeyConstraint(["sku_id"], ["catalog_sku.id"], name=op.f("fk_catalog_price_sku_id_catalog_sku")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_catalog_price_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_price")),
        sa.UniqueConstraint("sku_id", "channel", "starts_at", name=op.f("uq_catalog_price_sku_id_channel_starts_at")),
    )
    with op.batch_alter_table("catalog_price", schema=None) as batch_op:
        batch_op.create_index("ix_catalog_price_store_channel", ["store_id", "channel", "starts_at"], unique=False)

    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("price_book_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.drop_column("price_book_version")

    with op.batch_alter_table("catalog_price", schema=None) as batch_op:
        batch_op.drop_index("ix_catalog_price_store_channel")

    op.drop_table("catalog_price")
    with op.batch_alter_table("catalog_stock", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_stock_sku_id"))

    op.drop_table("catalog_stock")
    with op.batch_alter_table("catalog_reservation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_reservation_store_id"))

    op.drop_table("catalog_reservation")
    with op.batch_alter_table("catalog_promotion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_promotion_store_id"))

    op.drop_table("catalog_promotion")
    with op.batch_alter_table("catalog_price_change", schema=None) as batch_op:
        batch_op.drop_index("ix_catalog_price_change_store_status")
        batch_op.drop_index(batch_op.f("ix_catalog_price_change_sku_id"))

    op.drop_table("catalog_price_change")
    with op.batch_alter_table("catalog_sku", schema=None) as batch_op:
        batch_op.drop_index("ix_catalog_sku_store_rev")
        batch_op.drop_index(batch_op.f("ix_catalog_sku_shop_id"))
        batch_op.drop_index(batch_op.f("ix_catalog_sku_product_id"))

    op.drop_table("catalog_sku")
    with op.batch_alter_table("catalog_product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_product_shop_id"))

    op.drop_table("catalog_product")
    op.drop_table("catalog_price_book")
    op.drop_table("catalog_book_version")
