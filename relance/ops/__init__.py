"""Operations: health, metrics, structured logs, backups (docs/admin-guide.md)."""
