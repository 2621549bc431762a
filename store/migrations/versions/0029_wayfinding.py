"""wayfinding: IMDF map features, map version, guide kiosks and their events

Revision ID: 0029_wayfinding
Revises: 0028_capture
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_wayfinding"
down_revision = "0028_capture"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wayfinding_feature",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("feature_type", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("level_id", sa.String(length=36), nullable=True),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_wayfinding_feature_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wayfinding_feature")),
    )
    op.create_index("ix_wayfinding_feature_store_type", "wayfinding_feature", ["store_id", "feature_type"])
    op.create_table(
        "wayfinding_map",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("origin_lon", sa.Float(), nullable=False),
        sa.Column("origin_lat", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_wayfinding_map_store_id_store")),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_wayfinding_map")),
    )
    op.create_table(
        "wayfinding_kiosk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("anchor_id", sa.String(length=36), nullable=True),
        sa.Column("at_main_entrance", sa.Boolean(), nullable=False),
        sa.Column("last_beat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_wayfinding_kiosk_device_id_device")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_wayfinding_kiosk_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wayfinding_kiosk")),
        sa.UniqueConstraint("store_id", "code", name=op.f("uq_wayfinding_kiosk_store_id_code")),
    )
    op.create_index(op.f("ix_wayfinding_kiosk_store_id"), "wayfinding_kiosk", ["store_id"])
    op.create_table(
        "wayfinding_kiosk_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=True),
        sa.Column("function", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kiosk_id"], ["wayfinding_kiosk.id"], name=op.f("fk_wayfinding_kiosk_event_kiosk_id_wayfinding_kiosk")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_wayfinding_kiosk_event_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wayfinding_kiosk_event")),
    )
    op.create_index("ix_wayfinding_kiosk_event_store_at", "wayfinding_kiosk_event", ["store_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_wayfinding_kiosk_event_store_at", table_name="wayfinding_kiosk_event")
    op.drop_table("wayfinding_kiosk_event")
    op.drop_index(op.f("ix_wayfinding_kiosk_store_id"), table_name="wayfinding_kiosk")
    op.drop_table("wayfinding_kiosk")
    op.drop_table("wayfinding_map")
    op.drop_index("ix_wayfinding_feature_store_type", table_name="wayfinding_feature")
    op.drop_table("wayfinding_feature")
