"""credit: profiles, permits, inspections, reasons, keys, QR codes, scans, complaints, services

Revision ID: 0021_credit
Revises: 0020_vision
Create Date: 2026-11-30 19:11:26.768360
"""

from alembic import op
import sqlalchemy as sa


revision = "0021_credit"
down_revision = "0020_vision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credit_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_key_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_key")),
        sa.UniqueConstraint("store_id", "kid", name=op.f("uq_credit_key_store_id_kid")),
    )
    with op.batch_alter_table("credit_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_key_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("partner", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("min_rating", sa.String(length=1), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_service_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_service")),
    )
    with op.batch_alter_table("credit_service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_service_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("tracking_no", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("shop_contact", sa.String(length=60), nullable=False),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=500), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_complaint_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_complaint_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_complaint")),
        sa.UniqueConstraint("tracking_no", name=op.f("uq_credit_complaint_tracking_no")),
    )
    with op.batch_alter_table("credit_complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_complaint_filed_at"), ["filed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_complaint_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_complaint_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_inspection_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_inspection_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_inspection")),
    )
    with op.batch_alter_table("credit_inspection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_inspection_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_inspection_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_permit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_permit_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_permit_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_permit")),
    )
    with op.batch_alter_table("credit_permit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_permit_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_permit_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("licence_no", sa.String(length=32), nullable=False),
        sa.Column("licence_name", sa.String(length=120), nullable=False),
        sa.Column("contact_name", sa.String(length=60), nullable=False),
        sa.Column("rent_late_months", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=1), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_profile_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_profile_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_profile")),
        sa.UniqueConstraint("shop_id", name=op.f("uq_credit_profile_shop_id")),
    )
    with op.batch_alter_table("credit_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_profile_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_qr",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_qr_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_qr_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_qr")),
        sa.UniqueConstraint("shop_id", "version", name=op.f("uq_credit_qr_shop_id_version")),
    )
    with op.batch_alter_table("credit_qr", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_qr_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_qr_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("record_kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_reason_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_reason_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_reason")),
    )
    with op.batch_alter_table("credit_reason", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_reason_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_reason_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["credit_service.id"], name=op.f("fk_credit_referral_service_id_credit_service")
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_referral_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_referral_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_referral")),
    )
    with op.batch_alter_table("credit_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_referral_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_referral_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_referral_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_complaint_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["credit_complaint.id"],
            name=op.f("fk_credit_complaint_photo_complaint_id_credit_complaint"),
        ),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_complaint_photo_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_complaint_photo")),
    )
    with op.batch_alter_table("credit_complaint_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_complaint_photo_complaint_id"), ["complaint_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_complaint_photo_store_id"), ["store_id"], unique=False)

    op.create_table(
        "credit_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("qr_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scanned_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["qr_id"], ["credit_qr.id"], name=op.f("fk_credit_scan_qr_id_credit_qr")),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_credit_scan_shop_id_shop")),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_credit_scan_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_scan")),
    )
    with op.batch_alter_table("credit_scan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_scan_scanned_at"), ["scanned_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_scan_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_scan_store_id"), ["store_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("credit_scan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_scan_store_id"))
        batch_op.drop_index(batch_op.f("ix_credit_scan_shop_id"))
        batch_op.drop_index(batch_op.f("ix_credit_scan_scanned_at"))

    op.drop_table("credit_scan")
    with op.batch_alter_table("credit_complaint_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_complaint_photo_store_id"))
        batch_op.drop_index(batch_op.f("ix_credit_complaint_photo_complaint_id"))

    op.drop_table("credit_complaint_photo")
    with op.batch_alter_table("credit_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_referral_store_id"))
        batch_op.drop_index(batch_op.f("ix_credit_referral_shop_id"))
        batch_op.drop_index(batch_op.f("ix_credit_referral_service_id"))

    op.drop_table("credit_referral")
    with op.batch_alter_table("credit_reason", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_reason_store_id"))
        batch_op.drop_index(batch_op.f("ix_credit_reason_shop_id"))

    op.drop_table("credit_reason")
    with op.batch_alter_table("credit_qr", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_qr_store_id"))
        batch_op.drop_index(batch_op.f("ix_credit_qr_shop_id"))

    op.drop_table("credit_qr")
    with op.batch_alter_table("credit_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_profile_store_id"))

    op.drop_table("credit_profile")
    with op.batch_alter_table("credit_permit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_permit_store_id"))
        batch_op.drop_index(batch_op.f("ix_credit_permit_shop_id"))

    op.drop_table("credit_permit")
    with op.batch_alter_table("credit_inspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_inspection_store_id"))
        batch_op.drop_index(batch_op.f("ix_credit_inspection_shop_id"))

    op.drop_table("credit_inspection")
    with op.batch_alter_table("credit_complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_complaint_store_id"))
        batch_op.drop_index(batch_op.f("ix_credit_complaint_shop_id"))
        batch_op.drop_index(batch_op.f("ix_credit_complaint_filed_at"))

    op.drop_table("credit_complaint")
    with op.batch_alter_table("credit_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_service_store_id"))

    op.drop_table("credit_service")
    with op.batch_alter_table("credit_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_key_store_id"))

    op.drop_table("credit_key")
