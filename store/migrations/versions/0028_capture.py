"""capture: templates, raw receipts by hash, captured jobs, box status, alerts

Revision ID: 0028_capture
Revises: 0027_pos

"""

from alembic import op
import sqlalchemy as sa


revision = '0028_capture'
down_revision = "0027_pos"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('capture_blob',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_capture_blob'))
    )
    op.create_table('capture_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('spec', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_capture_template_shop_id_shop')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_capture_template_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capture_template')),
    sa.UniqueConstraint('store_id', 'name', name=op.f('uq_capture_template_store_id_name')),
    sa.UniqueConstraint('store_id', 'shop_id', name=op.f('uq_capture_template_store_id_shop_id'))
    )
    op.create_table('capture_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=24), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_capture_alert_device_id_device')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_capture_alert_shop_id_shop')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_capture_alert_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capture_alert'))
    )
    with op.batch_alter_table('capture_alert', schema=None) as batch_op:
        batch_op.create_index('ix_capture_alert_store_open', ['store_id', 'resolved_at'], unique=False)

    op.create_table('capture_box_status',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('last_heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_job_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('backlog', sa.Integer(), nullable=False),
    sa.Column('printer_ok', sa.Boolean(), nullable=False),
    sa.Column('jobs_total', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_capture_box_status_device_id_device')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_capture_box_status_store_id_store')),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_capture_box_status'))
    )
    with op.batch_alter_table('capture_box_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capture_box_status_store_id'), ['store_id'], unique=False)

    op.create_table('capture_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('business_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('receipt_no', sa.String(length=64), nullable=True),
    sa.Column('total_fen', sa.BigInteger(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_capture_job_device_id_device')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_capture_job_order_id_sales_order')),
    sa.ForeignKeyConstraint(['sha256'], ['capture_blob.sha256'], name=op.f('fk_capture_job_sha256_capture_blob')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_capture_job_shop_id_shop')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_capture_job_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capture_job')),
    sa.UniqueConstraint('device_id', 'sha256', name=op.f('uq_capture_job_device_id_sha256'))
    )
    with op.batch_alter_table('capture_job', schema=None) as batch_op:
        batch_op.create_index('ix_capture_job_shop_day', ['shop_id', 'business_on'], unique=False)
        batch_op.create_index('ix_capture_job_store_status', ['store_id', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('capture_job', schema=None) as batch_op:
        batch_op.drop_index('ix_capture_job_store_status')
        batch_op.drop_index('ix_capture_job_shop_day')

    op.drop_table('capture_job')
    with op.batch_alter_table('capture_box_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capture_box_status_store_id'))

    op.drop_table('capture_box_status')
    with op.batch_alter_table('capture_alert', schema=None) as batch_op:
        batch_op.drop_index('ix_capture_alert_store_open')

    op.drop_table('capture_alert')
    op.drop_table('capture_template')
    op.drop_table('capture_blob')
