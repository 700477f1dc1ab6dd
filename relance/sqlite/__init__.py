"""The embedded database's backend: Django's SQLite backend whose writers queue on a
file lock (`writers.py`) instead of SQLite's back-off sleeps."""
