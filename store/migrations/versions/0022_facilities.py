"""facilities: device register, readings, rollups, alerts, commands, usage, surveys

Revision ID: 0022_facilities
Revises: 0021_credit
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_facilities"
down_revision = "0021_credit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facility_ingest_count",
        sa.Column("business_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("business_on", "outcome", name=op.f("pk_facility_ingest_count")),
    )
    op.create_table(
        "facility_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=True),
        sa.Column("vendor", sa.String(length=80), nullable=False),
        sa.Column("installed_on", sa.Date(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("stale_after_s", sa.Integer(), nullable=False),
        sa.Column("last_heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "removed_on IS NULL OR removed_on >= installed_on", name=op.f("ck_facility_device_removed_after_installed")
        ),
        sa.CheckConstraint("stale_after_s > 0", name=op.f("ck_facility_device_stale_after_positive")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_facility_device_store_id_store")),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_facility_device_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_device")),
        sa.UniqueConstraint("store_id", "code", name=op.f("uq_facility_device_store_id_code")),
    )
    with op.batch_alter_table("facility_device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facility_device_store_id"), ["store_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_facility_device_zone_id"), ["zone_id"], unique=False)

    op.create_table(
        "facility_survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("surveyed_on", sa.Date(), nullable=False),
        sa.Column("wifi_dbm", sa.Integer(), nullable=True),
        sa.Column("wifi_mbps", sa.Float(), nullable=True),
        sa.Column("g5_dbm", sa.Integer(), nullable=True),
        sa.Column("g5_mbps", sa.Float(), nullable=True),
        sa.Column("other_signal", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("g5_mbps IS NULL OR g5_mbps >= 0", name=op.f("ck_facility_survey_g5_mbps_not_negative")),
        sa.CheckConstraint(
            "wifi_mbps IS NULL OR wifi_mbps >= 0", name=op.f("ck_facility_survey_wifi_mbps_not_negative")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_facility_survey_store_id_store")),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_facility_survey_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_survey")),
    )
    with op.batch_alter_table("facility_survey", schema=None) as batch_op:
        batch_op.create_index("ix_facility_survey_zone", ["store_id", "zone_id", "surveyed_on"], unique=False)

    op.create_table(
        "facility_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("since_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("peak", sa.Float(), nullable=True),
        sa.Column("limit", sa.Float(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["facility_device.id"], name=op.f("fk_facility_alert_device_id_facility_device")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_facility_alert_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_alert")),
    )
    with op.batch_alter_table("facility_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facility_alert_device_id"), ["device_id"], unique=False)
        batch_op.create_index("ix_facility_alert_open", ["store_id", "state"], unique=False)

    op.create_table(
        "facility_command",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["facility_device.id"], name=op.f("fk_facility_command_device_id_facility_device")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_facility_command_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_command")),
    )
    with op.batch_alter_table("facility_command", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facility_command_store_id"), ["store_id"], unique=False)

    op.create_table(
        "facility_device_day",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("business_on", sa.Date(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["facility_device.id"], name=op.f("fk_facility_device_day_device_id_facility_device")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_facility_device_day_store_id_store")),
        sa.PrimaryKeyConstraint("device_id", "business_on", name=op.f("pk_facility_device_day")),
    )
    with op.batch_alter_table("facility_device_day", schema=None) as batch_op:
        batch_op.create_index("ix_facility_device_day_store", ["store_id", "business_on"], unique=False)

    op.create_table(
        "facility_meter",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("total_kwh", sa.Float(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resets", sa.Integer(), nullable=False),
        sa.Column("glitches", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["facility_device.id"], name=op.f("fk_facility_meter_device_id_facility_device")
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_facility_meter")),
    )
    op.create_table(
        "facility_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["facility_device.id"], name=op.f("fk_facility_reading_device_id_facility_device")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_facility_reading_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_reading")),
        sa.UniqueConstraint(
            "device_id", "metric", "measured_at", name=op.f("uq_facility_reading_device_id_metric_measured_at")
        ),
    )
    with op.batch_alter_table("facility_reading", schema=None) as batch_op:
        batch_op.create_index("ix_facility_reading_store_time", ["store_id", "measured_at"], unique=False)

    op.create_table(
        "facility_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("grain", sa.String(length=4), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("minimum", sa.Float(), nullable=False),
        sa.Column("maximum", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["facility_device.id"], name=op.f("fk_facility_rollup_device_id_facility_device")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_facility_rollup_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_rollup")),
        sa.UniqueConstraint(
            "device_id",
            "metric",
            "grain",
            "bucket_start",
            name=op.f("uq_facility_rollup_device_id_metric_grain_bucket_start"),
        ),
    )
    with op.batch_alter_table("facility_rollup", schema=None) as batch_op:
        batch_op.create_index("ix_facility_rollup_store_grain", ["store_id", "grain", "bucket_start"], unique=False)

    op.create_table(
        "facility_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.CheckConstraint("duration_s >= 0", name=op.f("ck_facility_usage_duration_not_negative")),
        sa.ForeignKeyConstraint(
            ["device_id"], ["facility_device.id"], name=op.f("fk_facility_usage_device_id_facility_device")
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_facility_usage_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_usage")),
        sa.UniqueConstraint("device_id", "started_at", name=op.f("uq_facility_usage_device_id_started_at")),
    )
    with op.batch_alter_table("facility_usage", schema=None) as batch_op:
        batch_op.create_index("ix_facility_usage_store_time", ["store_id", "started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("facility_usage", schema=None) as batch_op:
        batch_op.drop_index("ix_facility_usage_store_time")

    op.drop_table("facility_usage")
    with op.batch_alter_table("facility_rollup", schema=None) as batch_op:
        batch_op.drop_index("ix_facility_rollup_store_grain")

    op.drop_table("facility_rollup")
    with op.batch_alter_table("facility_reading", schema=None) as batch_op:
        batch_op.drop_index("ix_facility_reading_store_time")

    op.drop_table("facility_reading")
    op.drop_table("facility_meter")
    with op.batch_alter_table("facility_device_day", schema=None) as batch_op:
        batch_op.drop_index("ix_facility_device_day_store")

    op.drop_table("facility_device_day")
    with op.batch_alter_table("facility_command", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facility_command_store_id"))

    op.drop_table("facility_command")
    with op.batch_alter_table("facility_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_facility_alert_open")
        batch_op.drop_index(batch_op.f("ix_facility_alert_device_id"))

    op.drop_table("facility_alert")
    with op.batch_alter_table("facility_survey", schema=None) as batch_op:
        batch_op.drop_index("ix_facility_survey_zone")

    op.drop_table("facility_survey")
    with op.batch_alter_table("facility_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facility_device_zone_id"))
        batch_op.drop_index(batch_op.f("ix_facility_device_store_id"))

    op.drop_table("facility_device")
    op.drop_table("facility_ingest_count")
