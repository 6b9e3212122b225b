"""SQL schema of the situational picture (SQLAlchemy Core).

Alembic migrations in ``migrations/versions`` create exactly these tables; ``tests/test_schema.py``
checks that a database migrated to head matches this metadata.

Natural keys:
  observation   (indicator_key, region_code, period, sex)   one value per indicator, region, period and sex
  manual_entry  (template, region_code, period) among rows not superseded   entries are never overwritten
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

#: Region levels, from the smallest.
REGION_LEVELS = ("kunta", "seutukunta", "maakunta", "hyvinvointialue", "maa")

region = Table(
    "region",
    metadata,
    Column("code", String(8), primary_key=True, comment="061…981, SK051, MK05, HVA07, SSS"),
    Column("level", String(16), nullable=False),
    Column("name_fi", String(120), nullable=False),
    Column("name_sv", String(120), nullable=False),
    Column("name_en", String(120), nullable=False),
    Column("subregion_code", String(8), nullable=True),
    Column("region_code", String(8), nullable=True, comment="maakunta of a municipality or sub-region"),
    Column("sotkanet_id", Integer, nullable=True, unique=True),
    Column("in_county", Boolean, nullable=False, server_default=text("false")),
    Column("sort_order", Integer, nullable=False, server_default=text("0")),
)

indicator = Table(
    "indicator",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("area", String(32), nullable=False),
    Column("measure", String(40), nullable=False),
    Column("title_fi", Text, nullable=False),
    Column("title_sv", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("unit_kind", String(16), nullable=False),
    Column("decimals", Integer, nullable=False),
    Column("direction", String(8), nullable=False),
    Column("source_kind", String(16), nullable=False),
    Column("source_ref", String(200), nullable=False, comment="Sotkanet id, StatFin dataset+filters or template.field"),
    Column("sotkanet_id", Integer, nullable=True, comment="resolved Sotkanet id (verified or by title)"),
    Column("sotkanet_title", Text, nullable=True, comment="catalogue title the id was resolved from"),
    Column("resolution", String(16), nullable=True, comment="verified | by_title | ambiguous | not_found"),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
    Column("cadence", String(16), nullable=False),
)

load_run = Table(
    "load_run",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(32), nullable=False, comment="sotkanet | statfin | boundaries | manual | demo"),
    Column("dataset", String(120), nullable=False),
    Column("location", Text, nullable=False, comment="URL or file read"),
    Column("sha256", String(64), nullable=True),
    Column("offline", Boolean, nullable=False, server_default=text("false")),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("status", String(16), nullable=False, comment="running | success | failed | interrupted"),
    Column("rows_inserted", Integer, nullable=False, server_default=text("0")),
    Column("rows_updated", Integer, nullable=False, server_default=text("0")),
    Column("rows_unchanged", Integer, nullable=False, server_default=text("0")),
    Column("rows_deleted", Integer, nullable=False, server_default=text("0")),
    Column("error", Text, nullable=True),
    Column("code_version", String(64), nullable=False),
    Column("host", String(255), nullable=True, comment="host name of the loading process"),
    Column("pid", Integer, nullable=True, comment="process id of the loading process"),
)

observation = Table(
    "observation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("indicator_key", String(60), ForeignKey("indicator.key"), nullable=False),
    Column("region_code", String(8), ForeignKey("region.code"), nullable=False),
    Column("period", String(8), nullable=False, comment="2024 | 2024H1 | 2024Q3 | 2024M05"),
    Column("period_type", String(1), nullable=False, comment="Y | H | Q | M"),
    Column("year", Integer, nullable=False),
    Column("sex", String(6), nullable=False, server_default=text("'total'")),
    Column("value", Float, nullable=True, comment="NULL = no value (never 0 for missing)"),
    Column("count", Float, nullable=True, comment="absolute number behind the value, where known"),
    Column("suppressed", Boolean, nullable=False, server_default=text("false")),
    Column("provisional", Boolean, nullable=False, server_default=text("false")),
    Column("synthetic", Boolean, nullable=False, server_default=text("false")),
    Column("citation", Text, nullable=True, comment="published figure: where it was published (URL or repository path @ commit)"),
    Column("citation_note", Text, nullable=True, comment="published figure: the table, section or sentence it comes from"),
    Column("load_run_id", Integer, ForeignKey("load_run.id"), nullable=False),
    UniqueConstraint("indicator_key", "region_code", "period", "sex"),
    Index("ix_observation_indicator_year", "indicator_key", "year"),
    Index("ix_observation_region", "region_code"),
    Index("ix_observation_load_run", "load_run_id"),
)

#: Every version an observation has had, written by database triggers (migration 0006) in the same
#: transaction as each insert, update and delete of ``observation``, whichever code path writes it:
#: a view pinned to a moment reads the versions valid then (``valid_from <= t < valid_to``).
observation_history = Table(
    "observation_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("observation_id", Integer, nullable=False, comment="observation.id (kept after a delete)"),
    Column("indicator_key", String(60), nullable=False),
    Column("region_code", String(8), nullable=False),
    Column("period", String(8), nullable=False),
    Column("period_type", String(1), nullable=False),
    Column("year", Integer, nullable=False),
    Column("sex", String(6), nullable=False),
    Column("value", Float, nullable=True),
    Column("count", Float, nullable=True),
    Column("suppressed", Boolean, nullable=False),
    Column("provisional", Boolean, nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("load_run_id", Integer, nullable=False),
    Column("citation", Text, nullable=True),
    Column("citation_note", Text, nullable=True),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_to", DateTime(timezone=True), nullable=True, comment="NULL = the current version"),
    Index("ix_observation_history_key", "indicator_key", "region_code", "period", "sex", "valid_from"),
    Index("ix_observation_history_open", "observation_id", "valid_to"),
)

goal = Table(
    "goal",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("area", String(32), nullable=False),
    Column("measure", String(40), nullable=False),
    Column("type", String(16), nullable=False),
    Column("indicator_key", String(60), ForeignKey("indicator.key"), nullable=True),
    Column("template", String(40), nullable=True),
    Column("region_code", String(8), nullable=True),
    Column("baseline_year", Integer, nullable=True),
    Column("baseline_value", Float, nullable=True),
    Column("target_value", Float, nullable=True),
    Column("target_year", Integer, nullable=True),
    Column("target_basis", String(16), nullable=False),
    Column("owner_fi", Text, nullable=False),
    Column("wording_fi", Text, nullable=False),
    Column("wording_sv", Text, nullable=False),
    Column("wording_en", Text, nullable=False),
    Column("params", JSON, nullable=False, comment="type-specific settings, e.g. done_statuses"),
)

manual_entry = Table(
    "manual_entry",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("template", String(40), nullable=False),
    Column("region_code", String(8), ForeignKey("region.code"), nullable=False),
    Column("period", String(8), nullable=False),
    Column("data", JSON, nullable=False, comment="the row as validated, column -> value"),
    Column("entered_by", String(200), nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("source_file", Text, nullable=False),
    Column("source_row", Integer, nullable=False),
    Column("load_run_id", Integer, ForeignKey("load_run.id"), nullable=False),
    Column("superseded_at", DateTime(timezone=True), nullable=True),
    Column("superseded_by", Integer, ForeignKey("manual_entry.id"), nullable=True),
    Column("synthetic", Boolean, nullable=False, server_default=text("false"), comment="demo row, never real data"),
    Index(
        "uq_manual_entry_current",
        "template",
        "region_code",
        "period",
        unique=True,
        sqlite_where=text("superseded_at IS NULL"),
        postgresql_where=text("superseded_at IS NULL"),
    ),
)
