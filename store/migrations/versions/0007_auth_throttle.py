"""auth: failed sign-ins kept for the login throttle (login_failure)

Revision ID: 0007_auth_throttle
Revises: 0006_imports
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_auth_throttle"
down_revision = "0006_imports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('client_address', sa.String(length=64), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_client_address_failed_at', ['client_address', 'failed_at'],
                              unique=False)
        batch_op.create_index('ix_login_failure_username_failed_at', ['username', 'failed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_username_failed_at')
        batch_op.drop_index('ix_login_failure_client_address_failed_at')
    op.drop_table('login_failure')
