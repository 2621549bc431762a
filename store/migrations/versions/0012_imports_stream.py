"""footfall_count: an interval is up to an hour, or a whole business day (old people counters' daily totals)

A whole business day is 1,440 minutes, or 1,380/1,500 on a day a clock changes: the check allows those.

Revision ID: 0012_imports_stream
Revises: 0009_bigint_money
"""

from alembic import op

revision = "0012_imports_stream"
down_revision = "0010_shop_area"
branch_labels = None
depends_on = None

NAME = "ck_footfall_count_interval_minutes_range"
HOUR_OR_DAY = "interval_minutes BETWEEN 1 AND 60 OR interval_minutes BETWEEN 1380 AND 1500"
HOUR = "interval_minutes BETWEEN 1 AND 60"


def _replace(check: str) -> None:
    # SQLite cannot alter a CHECK: batch mode recreates footfall_count (no table references it).
    with op.batch_alter_table("footfall_count", recreate="auto") as batch:
        batch.drop_constraint(op.f(NAME), type_="check")
        batch.create_check_constraint(op.f(NAME), check)


def upgrade() -> None:
    _replace(HOUR_OR_DAY)


def downgrade() -> None:
    # Fails while whole-day intervals are stored: delete or split them first.
    _replace(HOUR)
