"""Initial schema: documents, LSH bands, raw inputs, event reports and clusters.

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.String(length=255), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('url_key', sa.String(length=64), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('meta_json', sa.Text(), nullable=True),
    sa.Column('entities_json', sa.Text(), nullable=True),
    sa.Column('minhash', sa.LargeBinary(), nullable=True),
    sa.Column('near_duplicate_of', sa.String(length=255), nullable=True),
    sa.Column('similarity', sa.Float(), nullable=True),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_documents_content_hash', 'documents', ['content_hash'], unique=True)
    op.create_index('ix_documents_near_duplicate_of', 'documents', ['near_duplicate_of'], unique=False)
    op.create_index('ix_documents_published', 'documents', ['published'], unique=False)
    op.create_index('ix_documents_url_key', 'documents', ['url_key'], unique=True)
    op.create_table('event_clusters',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('plover_type', sa.String(length=16), nullable=False),
    sa.Column('plover_mode', sa.String(length=64), nullable=True),
    sa.Column('acled_event_type', sa.String(length=64), nullable=True),
    sa.Column('acled_sub_event_type', sa.String(length=128), nullable=True),
    sa.Column('cameo', sa.String(length=8), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('date_precision', sa.String(length=16), nullable=True),
    sa.Column('actor1_name', sa.Text(), nullable=True),
    sa.Column('actor1_id', sa.String(length=255), nullable=True),
    sa.Column('actor1_country', sa.String(length=8), nullable=True),
    sa.Column('actor1_sector', sa.String(length=8), nullable=True),
    sa.Column('actor2_name', sa.Text(), nullable=True),
    sa.Column('actor2_id', sa.String(length=255), nullable=True),
    sa.Column('actor2_country', sa.String(length=8), nullable=True),
    sa.Column('actor2_sector', sa.String(length=8), nullable=True),
    sa.Column('location_name', sa.Text(), nullable=True),
    sa.Column('location_name_ar', sa.Text(), nullable=True),
    sa.Column('admin1', sa.Text(), nullable=True),
    sa.Column('admin2', sa.Text(), nullable=True),
    sa.Column('country', sa.String(length=8), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('geonameid', sa.BigInteger(), nullable=True),
    sa.Column('location_precision', sa.String(length=16), nullable=True),
    sa.Column('fatalities', sa.Integer(), nullable=True),
    sa.Column('injuries', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.Text(), nullable=True),
    sa.Column('sentence', sa.Text(), nullable=True),
    sa.Column('negated', sa.Boolean(), nullable=False),
    sa.Column('hypothetical', sa.Boolean(), nullable=False),
    sa.Column('historical', sa.Boolean(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('published_min', sa.String(length=10), nullable=True),
    sa.Column('published_max', sa.String(length=10), nullable=True),
    sa.Column('report_count', sa.Integer(), nullable=False),
    sa.Column('document_count', sa.Integer(), nullable=False),
    sa.Column('source_count', sa.Integer(), nullable=False),
    sa.Column('document_ids', sa.Text(), nullable=False),
    sa.Column('origin_ids', sa.Text(), nullable=False),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('actor_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_event_clusters_country', 'event_clusters', ['country'], unique=False)
    op.create_index('ix_event_clusters_date', 'event_clusters', ['date'], unique=False)
    op.create_index('ix_event_clusters_type_date', 'event_clusters', ['plover_type', 'date'], unique=False)
    op.create_index('ix_event_clusters_type_published', 'event_clusters', ['plover_type', 'published_min'], unique=False)
    op.create_table('store_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('document_bands',
    sa.Column('band', sa.BigInteger(), nullable=False),
    sa.Column('document_id', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE')
    )
    op.create_index('ix_document_bands_band', 'document_bands', ['band'], unique=False)
    op.create_index('ix_document_bands_document_id', 'document_bands', ['document_id'], unique=False)
    op.create_table('document_raw',
    sa.Column('document_id', sa.String(length=255), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id')
    )
    op.create_table('event_reports',
    sa.Column('document_id', sa.String(length=255), nullable=False),
    sa.Column('event_index', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=True),
    sa.Column('cluster_id', sa.String(length=32), nullable=False),
    sa.Column('plover_type', sa.String(length=16), nullable=False),
    sa.Column('plover_mode', sa.String(length=64), nullable=True),
    sa.Column('acled_event_type', sa.String(length=64), nullable=True),
    sa.Column('acled_sub_event_type', sa.String(length=128), nullable=True),
    sa.Column('cameo', sa.String(length=8), nullable=True),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('date_precision', sa.String(length=16), nullable=True),
    sa.Column('actor1_name', sa.Text(), nullable=True),
    sa.Column('actor1_id', sa.String(length=255), nullable=True),
    sa.Column('actor1_country', sa.String(length=8), nullable=True),
    sa.Column('actor1_sector', sa.String(length=8), nullable=True),
    sa.Column('actor2_name', sa.Text(), nullable=True),
    sa.Column('actor2_id', sa.String(length=255), nullable=True),
    sa.Column('actor2_country', sa.String(length=8), nullable=True),
    sa.Column('actor2_sector', sa.String(length=8), nullable=True),
    sa.Column('location_name', sa.Text(), nullable=True),
    sa.Column('location_name_ar', sa.Text(), nullable=True),
    sa.Column('admin1', sa.Text(), nullable=True),
    sa.Column('admin2', sa.Text(), nullable=True),
    sa.Column('country', sa.String(length=8), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('geonameid', sa.BigInteger(), nullable=True),
    sa.Column('location_precision', sa.String(length=16), nullable=True),
    sa.Column('fatalities', sa.Integer(), nullable=True),
    sa.Column('injuries', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.Text(), nullable=True),
    sa.Column('sentence', sa.Text(), nullable=True),
    sa.Column('negated', sa.Boolean(), nullable=False),
    sa.Column('hypothetical', sa.Boolean(), nullable=False),
    sa.Column('historical', sa.Boolean(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('record_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['event_clusters.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'event_index')
    )
    op.create_index('ix_event_reports_cluster_id', 'event_reports', ['cluster_id'], unique=False)
    op.bulk_insert(sa.table("store_meta", sa.column("key", sa.String), sa.column("value", sa.BigInteger)),
                   [{"key": "generation", "value": 0}])


def downgrade() -> None:
    op.drop_index('ix_event_reports_cluster_id', table_name='event_reports')
    op.drop_table('event_reports')
    op.drop_table('document_raw')
    op.drop_index('ix_document_bands_document_id', table_name='document_bands')
    op.drop_index('ix_document_bands_band', table_name='document_bands')
    op.drop_table('document_bands')
    op.drop_table('store_meta')
    op.drop_index('ix_event_clusters_type_published', table_name='event_clusters')
    op.drop_index('ix_event_clusters_type_date', table_name='event_clusters')
    op.drop_index('ix_event_clusters_date', table_name='event_clusters')
    op.drop_index('ix_event_clusters_country', table_name='event_clusters')
    op.drop_table('event_clusters')
    op.drop_index('ix_documents_url_key', table_name='documents')
    op.drop_index('ix_documents_published', table_name='documents')
    op.drop_index('ix_documents_near_duplicate_of', table_name='documents')
    op.drop_index('ix_documents_content_hash', table_name='documents')
    op.drop_table('documents')

