"""Partner catalogue ingestion: decode, read, map, validate per row, apply in one transaction."""
