"""kpi: daily rollups of sales (per shop, channel, source) and footfall

Revision ID: 0004_kpi
Revises: 0003_footfall
"""

from alembic import op
import sqlalchemy as sa

revision = "0004_kpi"
down_revision = "0003_footfall"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kpi_footfall_daily',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('business_on', sa.Date(), nullable=False),
    sa.Column('footfall_in', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_kpi_footfall_daily_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_footfall_daily')),
    sa.UniqueConstraint('store_id', 'business_on', name=op.f('uq_kpi_footfall_daily_store_id_business_on'))
    )
    op.create_table('kpi_sales_daily',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('business_on', sa.Date(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('revenue_fen', sa.BigInteger(), nullable=False),
    sa.Column('refunds_fen', sa.BigInteger(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('member_orders', sa.Integer(), nullable=False),
    sa.Column('member_revenue_fen', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_kpi_sales_daily_shop_id_shop')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_kpi_sales_daily_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_sales_daily')),
    sa.UniqueConstraint('store_id', 'business_on', 'shop_id', 'channel', 'source', name=op.f('uq_kpi_sales_daily_store_id_business_on_shop_id_channel_source'))
    )
    with op.batch_alter_table('kpi_sales_daily', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_sales_daily_shop_id'), ['shop_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kpi_sales_daily', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_sales_daily_shop_id'))
    op.drop_table('kpi_sales_daily')
    op.drop_table('kpi_footfall_daily')
