"""The embedded database's backend: Django's SQLite backend whose writes queue on a
file lock (`writers.py`) instead of SQLite's back-off sleeps."""
