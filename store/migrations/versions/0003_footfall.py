"""footfall: counts per entrance and interval, occupancy per zone

Revision ID: 0003_footfall
Revises: 0002_sales
"""

from alembic import op
import sqlalchemy as sa

revision = "0003_footfall"
down_revision = "0002_sales"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('footfall_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('interval_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('interval_minutes', sa.Integer(), nullable=False),
    sa.Column('business_on', sa.Date(), nullable=False),
    sa.Column('count_in', sa.Integer(), nullable=False),
    sa.Column('count_out', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('count_in >= 0 AND count_out >= 0', name=op.f('ck_footfall_count_counts_not_negative')),
    sa.CheckConstraint('interval_minutes BETWEEN 1 AND 60', name=op.f('ck_footfall_count_interval_minutes_range')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_footfall_count_device_id_device')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_footfall_count_store_id_store')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_footfall_count_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_footfall_count')),
    sa.UniqueConstraint('store_id', 'zone_id', 'interval_start', name=op.f('uq_footfall_count_store_id_zone_id_interval_start'))
    )
    with op.batch_alter_table('footfall_count', schema=None) as batch_op:
        batch_op.create_index('ix_footfall_count_store_day', ['store_id', 'business_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_footfall_count_zone_id'), ['zone_id'], unique=False)
    op.create_table('footfall_occupancy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('measured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('people >= 0', name=op.f('ck_footfall_occupancy_people_not_negative')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_footfall_occupancy_device_id_device')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_footfall_occupancy_store_id_store')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_footfall_occupancy_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_footfall_occupancy')),
    sa.UniqueConstraint('store_id', 'zone_id', 'measured_at', name=op.f('uq_footfall_occupancy_store_id_zone_id_measured_at'))
    )
    with op.batch_alter_table('footfall_occupancy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_footfall_occupancy_zone_id'), ['zone_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('footfall_occupancy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_footfall_occupancy_zone_id'))
    op.drop_table('footfall_occupancy')
    with op.batch_alter_table('footfall_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_footfall_count_zone_id'))
        batch_op.drop_index('ix_footfall_count_store_day')
    op.drop_table('footfall_count')
