"""sales: orders, lines, payments, refunds, declared daily totals

Revision ID: 0002_sales
Revises: 0001_foundation
"""

from alembic import op
import sqlalchemy as sa

revision = "0002_sales"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sales_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('order_no', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('terminal_id', sa.Integer(), nullable=True),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('business_on', sa.Date(), nullable=False),
    sa.Column('subtotal_fen', sa.Integer(), nullable=False),
    sa.Column('discount_fen', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.Column('refunded_fen', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('refunded_fen >= 0 AND refunded_fen <= total_fen', name=op.f('ck_sales_order_refund_within_total')),
    sa.CheckConstraint('total_fen >= 0', name=op.f('ck_sales_order_total_not_negative')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_sales_order_shop_id_shop')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_sales_order_store_id_store')),
    sa.ForeignKeyConstraint(['terminal_id'], ['device.id'], name=op.f('fk_sales_order_terminal_id_device')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order')),
    sa.UniqueConstraint('store_id', 'order_no', name=op.f('uq_sales_order_store_id_order_no'))
    )
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_order_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_sales_order_shop_day', ['shop_id', 'business_on'], unique=False)
        batch_op.create_index('ix_sales_order_store_day', ['store_id', 'business_on'], unique=False)
    op.create_table('sales_order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_fen', sa.Integer(), nullable=False),
    sa.Column('discount_fen', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_sales_order_line_quantity_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_order_line_order_id_sales_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order_line'))
    )
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_order_line_order_id'), ['order_id'], unique=False)
    op.create_table('sales_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_payment_order_id_sales_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_payment'))
    )
    with op.batch_alter_table('sales_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_payment_order_id'), ['order_id'], unique=False)
    op.create_table('sales_refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('business_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_sales_refund_amount_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_refund_order_id_sales_order')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_sales_refund_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_refund'))
    )
    with op.batch_alter_table('sales_refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_refund_business_on'), ['business_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_refund_order_id'), ['order_id'], unique=False)


    op.create_table('sales_daily_total',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('business_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('revenue_fen', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('refunds_fen', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('revenue_fen >= 0 AND orders >= 0 AND refunds_fen >= 0', name=op.f('ck_sales_daily_total_not_negative')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_sales_daily_total_shop_id_shop')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_sales_daily_total_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_daily_total')),
    sa.UniqueConstraint('store_id', 'shop_id', 'business_on', 'channel', 'source', name=op.f('uq_sales_daily_total_store_id_shop_id_business_on_channel_source'))
    )
    with op.batch_alter_table('sales_daily_total', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_daily_total_shop_id'), ['shop_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sales_daily_total', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_daily_total_shop_id'))
    op.drop_table('sales_daily_total')
    with op.batch_alter_table('sales_refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_refund_order_id'))
        batch_op.drop_index(batch_op.f('ix_sales_refund_business_on'))
    op.drop_table('sales_refund')
    with op.batch_alter_table('sales_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_payment_order_id'))
    op.drop_table('sales_payment')
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_order_line_order_id'))
    op.drop_table('sales_order_line')
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_order_store_day')
        batch_op.drop_index('ix_sales_order_shop_day')
        batch_op.drop_index(batch_op.f('ix_sales_order_member_id'))
    op.drop_table('sales_order')
