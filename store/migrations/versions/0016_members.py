"""members: members, their sign-in codes and tokens, consents, tier rules, the SMS outbox; orders' member_id
becomes a foreign key to member.id

Every member id already on an order gets a member row (same id, the store of its first order, member number
``L<id>``, no phone: a legacy member that signs in again is a new member; the number joins the two at the
desk), so every existing order is kept and the key holds.

Revision ID: 0016_members
Revises: 0015_import_chunks
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0016_members"
down_revision = "0015_import_chunks"
branch_labels = None
depends_on = None

FK_NAME = "fk_sales_order_member_id_member"
FK_SQL = f"CONSTRAINT {FK_NAME} FOREIGN KEY(member_id) REFERENCES member (id)"


def upgrade() -> None:
    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("member_no", sa.String(length=32), nullable=False),
        sa.Column("phone_masked", sa.String(length=20), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("points_balance", sa.BigInteger(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=True),
        sa.Column("display_name", sa.String(length=40), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("tier_since", sa.Date(), nullable=True),
        sa.Column("code_last_step", sa.BigInteger(), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_member_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
        sa.UniqueConstraint("store_id", "member_no", name=op.f("uq_member_store_id_member_no")),
        sa.UniqueConstraint("store_id", "phone_hash", name=op.f("uq_member_store_id_phone_hash")),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_store_id"), ["store_id"], unique=False)

    op.create_table(
        "member_otp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_member_otp_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_otp")),
    )
    op.create_index("ix_member_otp_store_phone", "member_otp", ["store_id", "phone_hash", "created_at"], unique=False)

    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("phone_masked", sa.String(length=20), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_sms_outbox_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_outbox")),
    )
    with op.batch_alter_table("sms_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_outbox_phone_hash"), ["phone_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_sms_outbox_store_id"), ["store_id"], unique=False)

    op.create_table(
        "member_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_member_token_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_member_token_token_hash")),
    )
    with op.batch_alter_table("member_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_token_family"), ["family"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_token_member_id"), ["member_id"], unique=False)

    op.create_table(
        "member_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("text_version", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_member_consent_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_consent")),
    )
    op.create_index("ix_member_consent_member_purpose", "member_consent", ["member_id", "purpose", "id"], unique=False)

    op.create_table(
        "member_tier_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("min_spend_fen", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_member_tier_rule_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_tier_rule")),
        sa.UniqueConstraint("store_id", "tier", name=op.f("uq_member_tier_rule_store_id_tier")),
    )

    _members_for_existing_orders()
    _order_member_key(add=True)


def _members_for_existing_orders() -> None:
    """A member row for every member id found on an order (the raw times copied as stored)."""
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "INSERT INTO member (id, store_id, member_no, phone_masked, tier, status, points_balance, joined_at, "
            "created_at, display_name, code_last_step) "
            "SELECT member_id, MIN(store_id), 'L' || CAST(member_id AS VARCHAR(12)), '', 'basic', 'active', 0, "
            "MIN(ordered_at), MIN(ordered_at), '', 0 FROM sales_order WHERE member_id IS NOT NULL GROUP BY member_id"
        )
    )
    if bind.dialect.name == "postgresql":
        bind.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('member', 'id'), COALESCE((SELECT MAX(id) FROM member), 0) + 1, false)"
            )
        )


def _order_member_key(*, add: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        if add:
            op.create_foreign_key(FK_NAME, "sales_order", "member", ["member_id"], ["id"])
        else:
            op.drop_constraint(FK_NAME, "sales_order", type_="foreignkey")
        return
    # SQLite cannot add a constraint, and rebuilding sales_order (batch mode) would drop a table its lines,
    # payments and refunds reference. A foreign key changes nothing stored, so the table's definition is
    # edited in place, as SQLite's ALTER TABLE documentation describes; the check below proves it holds.
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'sales_order'")
    ).scalar_one()
    if add:
        body = sql.rstrip()
        assert body.endswith(")"), sql
        new_sql = body[:-1].rstrip() + f", \n\t{FK_SQL}\n)"
    else:
        # Wherever it stands now (a later migration may have rebuilt the table in batch mode).
        new_sql = re.sub(rf",\s*CONSTRAINT {FK_NAME} FOREIGN KEY\s*\(member_id\) REFERENCES \"?member\"? \(id\)", "", sql)
        assert FK_NAME not in new_sql, sql
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'sales_order'"), {"sql": new_sql}
    )
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))
    if add:
        broken = bind.execute(sa.text("PRAGMA foreign_key_check(sales_order)")).fetchall()
        assert not broken, f"orders whose member is missing: {broken[:5]}"


def downgrade() -> None:
    _order_member_key(add=False)
    op.drop_table("member_tier_rule")
    op.drop_index("ix_member_consent_member_purpose", table_name="member_consent")
    op.drop_table("member_consent")
    with op.batch_alter_table("member_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_token_member_id"))
        batch_op.drop_index(batch_op.f("ix_member_token_family"))
    op.drop_table("member_token")
    with op.batch_alter_table("sms_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_outbox_store_id"))
        batch_op.drop_index(batch_op.f("ix_sms_outbox_phone_hash"))
    op.drop_table("sms_outbox")
    op.drop_index("ix_member_otp_store_phone", table_name="member_otp")
    op.drop_table("member_otp")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_store_id"))
    op.drop_table("member")
