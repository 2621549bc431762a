"""vision: cameras, heatmaps, patrol routes, rounds and findings

Revision ID: 0020_vision
Revises: 0019_omni
"""

from alembic import op
import sqlalchemy as sa


revision = '0020_vision'
down_revision = "0019_omni"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('patrol_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('every_minutes', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_patrol_route_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_route')),
    sa.UniqueConstraint('store_id', 'name', name=op.f('uq_patrol_route_store_id_name'))
    )
    with op.batch_alter_table('patrol_route', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_route_store_id'), ['store_id'], unique=False)

    op.create_table('patrol_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('started_by', sa.String(length=80), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('stops_total', sa.Integer(), nullable=False),
    sa.Column('stops_viewed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['route_id'], ['patrol_route.id'], name=op.f('fk_patrol_round_route_id_patrol_route')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_patrol_round_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_round'))
    )
    with op.batch_alter_table('patrol_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_round_route_id'), ['route_id'], unique=False)
        batch_op.create_index('ix_patrol_round_store_started', ['store_id', 'started_at'], unique=False)

    op.create_table('camera',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_frame_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fps', sa.Float(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.LargeBinary(), nullable=True),
    sa.Column('snapshot_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rebaseline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('fps >= 0', name=op.f('ck_camera_fps_not_negative')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_camera_device_id_device')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_camera_store_id_store')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_camera_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_camera')),
    sa.UniqueConstraint('store_id', 'code', name=op.f('uq_camera_store_id_code'))
    )
    with op.batch_alter_table('camera', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_camera_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_camera_store_id'), ['store_id'], unique=False)

    op.create_table('camera_heatmap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('camera_id', sa.Integer(), nullable=False),
    sa.Column('hour_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cols', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['camera_id'], ['camera.id'], name=op.f('fk_camera_heatmap_camera_id_camera')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_camera_heatmap_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_camera_heatmap')),
    sa.UniqueConstraint('camera_id', 'hour_start', name=op.f('uq_camera_heatmap_camera_id_hour_start'))
    )
    with op.batch_alter_table('camera_heatmap', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_camera_heatmap_store_id'), ['store_id'], unique=False)

    op.create_table('patrol_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('camera_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('snapshot', sa.LargeBinary(), nullable=True),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['camera_id'], ['camera.id'], name=op.f('fk_patrol_finding_camera_id_camera')),
    sa.ForeignKeyConstraint(['round_id'], ['patrol_round.id'], name=op.f('fk_patrol_finding_round_id_patrol_round')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_patrol_finding_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_finding'))
    )
    with op.batch_alter_table('patrol_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_finding_camera_id'), ['camera_id'], unique=False)
        batch_op.create_index('ix_patrol_finding_store_status', ['store_id', 'status'], unique=False)

    op.create_table('patrol_stop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('camera_id', sa.Integer(), nullable=False),
    sa.Column('min_view_s', sa.Integer(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['camera_id'], ['camera.id'], name=op.f('fk_patrol_stop_camera_id_camera')),
    sa.ForeignKeyConstraint(['route_id'], ['patrol_route.id'], name=op.f('fk_patrol_stop_route_id_patrol_route')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_stop')),
    sa.UniqueConstraint('route_id', 'position', name=op.f('uq_patrol_stop_route_id_position'))
    )
    with op.batch_alter_table('patrol_stop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_stop_route_id'), ['route_id'], unique=False)

    op.create_table('patrol_round_stop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.Integer(), nullable=False),
    sa.Column('viewed_s', sa.Integer(), nullable=False),
    sa.Column('checks', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('snapshot', sa.LargeBinary(), nullable=True),
    sa.Column('viewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['patrol_round.id'], name=op.f('fk_patrol_round_stop_round_id_patrol_round')),
    sa.ForeignKeyConstraint(['stop_id'], ['patrol_stop.id'], name=op.f('fk_patrol_round_stop_stop_id_patrol_stop')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_round_stop')),
    sa.UniqueConstraint('round_id', 'stop_id', name=op.f('uq_patrol_round_stop_round_id_stop_id'))
    )
    with op.batch_alter_table('patrol_round_stop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_round_stop_round_id'), ['round_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('patrol_round_stop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_round_stop_round_id'))

    op.drop_table('patrol_round_stop')
    with op.batch_alter_table('patrol_stop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_stop_route_id'))

    op.drop_table('patrol_stop')
    with op.batch_alter_table('patrol_finding', schema=None) as batch_op:
        batch_op.drop_index('ix_patrol_finding_store_status')
        batch_op.drop_index(batch_op.f('ix_patrol_finding_camera_id'))

    op.drop_table('patrol_finding')
    with op.batch_alter_table('camera_heatmap', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_camera_heatmap_store_id'))

    op.drop_table('camera_heatmap')
    with op.batch_alter_table('camera', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_camera_store_id'))
        batch_op.drop_index(batch_op.f('ix_camera_device_id'))

    op.drop_table('camera')
    with op.batch_alter_table('patrol_round', schema=None) as batch_op:
        batch_op.drop_index('ix_patrol_round_store_started')
        batch_op.drop_index(batch_op.f('ix_patrol_round_route_id'))

    op.drop_table('patrol_round')
    with op.batch_alter_table('patrol_route', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_route_store_id'))

    op.drop_table('patrol_route')
