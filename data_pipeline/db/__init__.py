"""Database access: engine creation, schema and migrations."""
from data_pipeline.db.engine import get_engine, make_engine  # noqa: F401
