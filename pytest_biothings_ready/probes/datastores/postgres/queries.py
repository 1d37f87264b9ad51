"""The catalog and statistics queries the PostgreSQL gatherer runs, one per section."""

from __future__ import annotations

__all__ = ["FK_WITHOUT_INDEX", "MONITORING", "POOLING", "SEQ_SCANNED", "UNUSED_INDEXES"]

POOLING = """
SELECT current_setting('max_connections')::int,
       current_setting('superuser_reserved_connections')::int,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
       current_user,
       (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user),
       current_database(),
       (SELECT datconnlimit FROM pg_database WHERE datname = current_database())
"""

# Large tables and how they are read (rows read by sequential scans vs index scans).
SEQ_SCANNED = """
SELECT schemaname || '.' || relname, n_live_tup, seq_scan, seq_tup_read, coalesce(idx_scan, 0)
FROM pg_stat_user_tables
WHERE n_live_tup >= %(rows)s
ORDER BY seq_tup_read DESC
"""

# Non-unique indexes never scanned, on tables that have been read at least %(reads)s times.
UNUSED_INDEXES = """
SELECT s.schemaname || '.' || s.indexrelname, s.schemaname || '.' || s.relname
FROM pg_stat_user_indexes s
JOIN pg_index i ON i.indexrelid = s.indexrelid
JOIN pg_stat_user_tables t ON t.relid = s.relid
WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary
  AND t.seq_scan + coalesce(t.idx_scan, 0) >= %(reads)s
ORDER BY 1
"""

# Foreign keys whose columns are not the leading columns of any index on their table.
FK_WITHOUT_INDEX = """
SELECT c.conrelid::regclass::text, c.conname
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
WHERE c.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = c.conrelid
      AND (string_to_array(i.indkey::text, ' ')::int2[])[1:array_length(c.conkey, 1)]
          @> c.conkey
  )
ORDER BY 1, 2
"""

# A preloaded library's own settings appear in pg_settings; unlike
# shared_preload_libraries, that needs no pg_read_all_settings.
MONITORING = """
SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'pg_stat_statements.max'),
       (SELECT setting::int FROM pg_settings WHERE name = 'log_min_duration_statement'),
       (SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements')
"""
