"""omni orders: the online mall cart, orders and lines

Revision ID: 0024_omni_orders
Revises: 0023_members_more
"""

from alembic import op
import sqlalchemy as sa


revision = "0024_omni_orders"
down_revision = "0023_members_more"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mall_cart_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_mall_cart_item_quantity_positive')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_mall_cart_item_member_id_member')),
    sa.ForeignKeyConstraint(['sku_id'], ['catalog_sku.id'], name=op.f('fk_mall_cart_item_sku_id_catalog_sku')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_mall_cart_item_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mall_cart_item')),
    sa.UniqueConstraint('member_id', 'sku_id', name=op.f('uq_mall_cart_item_member_id_sku_id'))
    )
    with op.batch_alter_table('mall_cart_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mall_cart_item_member_id'), ['member_id'], unique=False)

    op.create_table('mall_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('order_no', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('fulfilment', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('delivery_level', sa.String(length=10), nullable=True),
    sa.Column('promised_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('live_code', sa.String(length=32), nullable=True),
    sa.Column('live_session_id', sa.Integer(), nullable=True),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=False),
    sa.Column('price_book_version', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('payment_method', sa.String(length=20), nullable=True),
    sa.Column('sales_order_id', sa.Integer(), nullable=True),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=False),
    sa.CheckConstraint('refunded_fen >= 0 AND refunded_fen <= total_fen', name=op.f('ck_mall_order_refund_within_total')),
    sa.CheckConstraint('total_fen >= 0', name=op.f('ck_mall_order_total_not_negative')),
    sa.ForeignKeyConstraint(['live_session_id'], ['live_session.id'], name=op.f('fk_mall_order_live_session_id_live_session')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_mall_order_member_id_member')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment_order.id'], name=op.f('fk_mall_order_payment_id_payment_order')),
    sa.ForeignKeyConstraint(['sales_order_id'], ['sales_order.id'], name=op.f('fk_mall_order_sales_order_id_sales_order')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_mall_order_shop_id_shop')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_mall_order_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mall_order')),
    sa.UniqueConstraint('sales_order_id', name=op.f('uq_mall_order_sales_order_id')),
    sa.UniqueConstraint('store_id', 'order_no', name=op.f('uq_mall_order_store_id_order_no'))
    )
    with op.batch_alter_table('mall_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mall_order_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mall_order_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_mall_order_store_status', ['store_id', 'status'], unique=False)

    op.create_table('mall_order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mall_order_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_fen', sa.BigInteger(), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_mall_order_line_quantity_positive')),
    sa.ForeignKeyConstraint(['mall_order_id'], ['mall_order.id'], name=op.f('fk_mall_order_line_mall_order_id_mall_order')),
    sa.ForeignKeyConstraint(['reservation_id'], ['catalog_reservation.id'], name=op.f('fk_mall_order_line_reservation_id_catalog_reservation')),
    sa.ForeignKeyConstraint(['sku_id'], ['catalog_sku.id'], name=op.f('fk_mall_order_line_sku_id_catalog_sku')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mall_order_line'))
    )
    with op.batch_alter_table('mall_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mall_order_line_mall_order_id'), ['mall_order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mall_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mall_order_line_mall_order_id'))

    op.drop_table('mall_order_line')
    with op.batch_alter_table('mall_order', schema=None) as batch_op:
        batch_op.drop_index('ix_mall_order_store_status')
        batch_op.drop_index(batch_op.f('ix_mall_order_shop_id'))
        batch_op.drop_index(batch_op.f('ix_mall_order_member_id'))

    op.drop_table('mall_order')
    with op.batch_alter_table('mall_cart_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mall_cart_item_member_id'))

    op.drop_table('mall_cart_item')
