"""import chunks: an orders import writing in slices on SQLite (import_write)

Revision ID: 0015_import_chunks
Revises: 0014_backup
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_import_chunks"
down_revision = "0014_backup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_write",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("first_order_id", sa.BigInteger(), nullable=False),
        sa.Column("last_order_id", sa.BigInteger(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["store.id"], name=op.f("fk_import_write_store_id_store")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_write")),
    )
    with op.batch_alter_table("import_write", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_write_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_write_store_id"), ["store_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_write", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_write_store_id"))
        batch_op.drop_index(batch_op.f("ix_import_write_state"))
    op.drop_table("import_write")
