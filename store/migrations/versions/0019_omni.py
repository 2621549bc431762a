"""omni: payment orders and refunds; delivery orders, events and the cut-off; live sessions, products, coupons
and order attributions

Revision ID: 0019_omni
Revises: 0018_catalog
"""

from alembic import op
import sqlalchemy as sa


revision = '0019_omni'
down_revision = "0018_catalog"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('delivery_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('cutoff_local', sa.Time(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_delivery_setting_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_setting')),
    sa.UniqueConstraint('store_id', name=op.f('uq_delivery_setting_store_id'))
    )
    op.create_table('payment_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('payment_no', sa.String(length=40), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('network', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('network_ref', sa.String(length=64), nullable=False),
    sa.Column('message', sa.String(length=200), nullable=False),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payment_order_amount_positive')),
    sa.CheckConstraint('refunded_fen >= 0 AND refunded_fen <= amount_fen', name=op.f('ck_payment_order_refund_within_amount')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_payment_order_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_order')),
    sa.UniqueConstraint('store_id', 'payment_no', name=op.f('uq_payment_order_store_id_payment_no'))
    )
    with op.batch_alter_table('payment_order', schema=None) as batch_op:
        batch_op.create_index('ix_payment_order_reference', ['store_id', 'purpose', 'reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_order_status'), ['status'], unique=False)

    op.create_table('payment_refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('payment_order_id', sa.Integer(), nullable=False),
    sa.Column('refund_no', sa.String(length=40), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('network_ref', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_payment_refund_amount_positive')),
    sa.ForeignKeyConstraint(['payment_order_id'], ['payment_order.id'], name=op.f('fk_payment_refund_payment_order_id_payment_order')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_payment_refund_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_refund')),
    sa.UniqueConstraint('store_id', 'refund_no', name=op.f('uq_payment_refund_store_id_refund_no'))
    )
    with op.batch_alter_table('payment_refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_refund_payment_order_id'), ['payment_order_id'], unique=False)

    op.create_table('live_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('host', sa.String(length=60), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('viewers', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_live_session_ends_after_start')),
    sa.CheckConstraint('viewers IS NULL OR viewers >= 0', name=op.f('ck_live_session_viewers_not_negative')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_live_session_shop_id_shop')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_live_session_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_session')),
    sa.UniqueConstraint('store_id', 'code', name=op.f('uq_live_session_store_id_code'))
    )
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_session_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_live_session_store_start', ['store_id', 'starts_at'], unique=False)

    op.create_table('live_coupon',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['live_session.id'], name=op.f('fk_live_coupon_session_id_live_session')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_live_coupon_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_coupon')),
    sa.UniqueConstraint('store_id', 'code', name=op.f('uq_live_coupon_store_id_code'))
    )
    with op.batch_alter_table('live_coupon', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_coupon_session_id'), ['session_id'], unique=False)

    op.create_table('live_product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('price_fen', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['live_session.id'], name=op.f('fk_live_product_session_id_live_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_product')),
    sa.UniqueConstraint('session_id', 'sku', name=op.f('uq_live_product_session_id_sku'))
    )
    with op.batch_alter_table('live_product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_product_session_id'), ['session_id'], unique=False)

    op.create_table('delivery_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('sales_order_id', sa.Integer(), nullable=False),
    sa.Column('order_no', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('placed_on', sa.Date(), nullable=False),
    sa.Column('promised_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_day_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('courier', sa.String(length=40), nullable=False),
    sa.Column('tracking_no', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('promised_by <= next_day_by', name=op.f('ck_delivery_order_promise_within_next_day')),
    sa.ForeignKeyConstraint(['sales_order_id'], ['sales_order.id'], name=op.f('fk_delivery_order_sales_order_id_sales_order')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_delivery_order_shop_id_shop')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_delivery_order_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_order')),
    sa.UniqueConstraint('sales_order_id', name=op.f('uq_delivery_order_sales_order_id')),
    sa.UniqueConstraint('store_id', 'order_no', name=op.f('uq_delivery_order_store_id_order_no'))
    )
    with op.batch_alter_table('delivery_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_order_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_delivery_order_store_placed', ['store_id', 'placed_on'], unique=False)

    op.create_table('live_attribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('stamped_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_live_attribution_order_id_sales_order')),
    sa.ForeignKeyConstraint(['session_id'], ['live_session.id'], name=op.f('fk_live_attribution_session_id_live_session')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_live_attribution_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_attribution')),
    sa.UniqueConstraint('order_id', name=op.f('uq_live_attribution_order_id'))
    )
    with op.batch_alter_table('live_attribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_attribution_session_id'), ['session_id'], unique=False)

    op.create_table('delivery_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('courier', sa.String(length=40), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['delivery_order_id'], ['delivery_order.id'], name=op.f('fk_delivery_event_delivery_order_id_delivery_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_event')),
    sa.UniqueConstraint('delivery_order_id', 'kind', name=op.f('uq_delivery_event_delivery_order_id_kind'))
    )
    with op.batch_alter_table('delivery_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_event_delivery_order_id'), ['delivery_order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('delivery_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_event_delivery_order_id'))

    op.drop_table('delivery_event')
    with op.batch_alter_table('live_attribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_attribution_session_id'))

    op.drop_table('live_attribution')
    with op.batch_alter_table('delivery_order', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_order_store_placed')
        batch_op.drop_index(batch_op.f('ix_delivery_order_shop_id'))

    op.drop_table('delivery_order')
    with op.batch_alter_table('live_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_product_session_id'))

    op.drop_table('live_product')
    with op.batch_alter_table('live_coupon', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_coupon_session_id'))

    op.drop_table('live_coupon')
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.drop_index('ix_live_session_store_start')
        batch_op.drop_index(batch_op.f('ix_live_session_shop_id'))

    op.drop_table('live_session')
    with op.batch_alter_table('payment_refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_refund_payment_order_id'))

    op.drop_table('payment_refund')
    with op.batch_alter_table('payment_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_order_status'))
        batch_op.drop_index('ix_payment_order_reference')

    op.drop_table('payment_order')
    op.drop_table('delivery_setting')
