"""assessment: the evidence register (F1 coverage survey, F3 data center, M1 office)

Revision ID: 0005_assessment
Revises: 0004_kpi
"""

from alembic import op
import sqlalchemy as sa

revision = "0005_assessment"
down_revision = "0004_kpi"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=8), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('attachment_name', sa.String(length=255), nullable=True),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_assessment_evidence_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_evidence'))
    )
    with op.batch_alter_table('assessment_evidence', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_evidence_store_indicator', ['store_id', 'indicator', 'recorded_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assessment_evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_evidence_store_indicator')
    op.drop_table('assessment_evidence')
