"""backup: backups written and restore drills run (backup_file, backup_drill)

Revision ID: 0014_backup
Revises: 0009_bigint_money
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_backup"
down_revision = "0013_web_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backup_drill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("backup_taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=False),
        sa.Column("mismatched", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_drill")),
    )
    op.create_table(
        "backup_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("directory", sa.String(length=1000), nullable=False),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.String(length=64), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_counts", sa.JSON(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("check", sa.String(length=500), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_file")),
    )
    with op.batch_alter_table("backup_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_backup_file_file_name"), ["file_name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("backup_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backup_file_file_name"))
    op.drop_table("backup_file")
    op.drop_table("backup_drill")
