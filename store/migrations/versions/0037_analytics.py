"""analytics: stored forecasts with their backtest, consumer group profiles

Revision ID: 0037_analytics
Revises: 0035_assess_snap
Create Date: 2026-12-01 01:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0037_analytics"
down_revision = "0035_assess_snap"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_forecast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("floor_id", sa.Integer(), nullable=True),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("history_from", sa.Date(), nullable=False),
        sa.Column("history_to", sa.Date(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fit_ms", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("origins", sa.Integer(), nullable=False),
        sa.Column("model_mape", sa.Float(), nullable=True),
        sa.Column("naive_mape", sa.Float(), nullable=True),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["floor_id"], ["floor.id"], name=op.f("fk_analytics_forecast_floor_id_floor")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_analytics_forecast_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_forecast")),
        sa.UniqueConstraint("store_id", "scope", "metric", name=op.f("uq_analytics_forecast_store_id_scope_metric")),
    )
    op.create_table(
        "analytics_profile_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("group_no", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("description_zh", sa.String(length=300), nullable=False),
        sa.Column("description_en", sa.String(length=400), nullable=False),
        sa.Column("traits", sa.JSON(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_analytics_profile_group_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_profile_group")),
        sa.UniqueConstraint("store_id", "group_no", name=op.f("uq_analytics_profile_group_store_id_group_no")),
    )
    op.create_table(
        "analytics_member_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("group_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_analytics_member_profile_member_id_member")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_analytics_member_profile_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_member_profile")),
        sa.UniqueConstraint("member_id", name=op.f("uq_analytics_member_profile_member_id")),
    )
    with op.batch_alter_table("analytics_member_profile", schema=None) as batch_op:
        batch_op.create_index("ix_analytics_member_profile_store_group", ["store_id", "group_no"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("analytics_member_profile", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_member_profile_store_group")
    op.drop_table("analytics_member_profile")
    op.drop_table("analytics_profile_group")
    op.drop_table("analytics_forecast")
