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
    Date,
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
    Column("source_updated", DateTime(timezone=True), nullable=True,
           comment="when the source last updated the data, as the source states it"),
    Column("source_next_update", DateTime(timezone=True), nullable=True,
           comment="when the source will update the data next, as the source states it"),
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
#: transaction as each insert, update and delete of ``observation``, whichever code path writes it;
#: one version per load run (0007: a run's own in-between states are not kept). What the public saw
#: at a moment: ``dashboard.data.queries.published_observations``.
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
    Column("visible_from", Date, nullable=True),
    Column("reported_by", String(40), nullable=True),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_to", DateTime(timezone=True), nullable=True, comment="NULL = the current version"),
    Index("ix_observation_history_key", "indicator_key", "region_code", "period", "sex", "valid_from"),
    Index("ix_observation_history_open", "observation_id", "valid_to"),
)

#: Meeting sequences a coordinator saves in the browser (/kokous, migration 0007); file
#: sequences (TILANNEKUVA_MEETINGS_DIR) are read beside them.
meeting_sequence = Table(
    "meeting_sequence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(80), nullable=False),
    Column("title", String(200), nullable=False),
    Column("meeting_date", Date, nullable=False),
    Column("as_of", String(40), nullable=True, comment="pinned moment (tilanne); NULL = live"),
    Column("lang", String(2), nullable=False, server_default="fi"),
    Column("created_by", String(80), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("slug", name="uq_meeting_sequence_slug"),
)
meeting_slide = Table(
    "meeting_slide",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sequence_id", Integer, ForeignKey("meeting_sequence.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("view", String(500), nullable=False),
    UniqueConstraint("sequence_id", "position", name="uq_meeting_slide_position"),
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


# --- collection (tiedonkeruu, issue 10): partners report in the browser ----------------------------
# Observations and manual entries a partner reported carry ``visible_from`` (the publication date,
# an embargo) and ``reported_by`` (the organisation); dashboard.data.queries.visible() is the one rule that
# hides them until that date. NULL = public at once (statistics, CLI loads).
observation.append_column(Column("visible_from", Date, nullable=True, comment="publication date (embargo); NULL = public"))
observation.append_column(Column("reported_by", String(40), nullable=True, comment="organisation key of a partner-reported value"))
manual_entry.append_column(Column("visible_from", Date, nullable=True, comment="publication date (embargo); NULL = public"))
manual_entry.append_column(Column("submission_id", Integer, nullable=True, comment="the partner submission that published it"))
Index("ix_observation_visible_from", observation.c.visible_from)

#: Roles: reporter of one organisation, coordinator of some templates / priority areas, administrator.
ROLES = ("ilmoittaja", "koordinaattori", "yllapitaja")
#: Submission states in the order a round goes through them.
SUBMISSION_STATES = ("not_started", "draft", "submitted", "returned", "accepted", "published")

account = Table(
    "account",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(120), nullable=False, unique=True, comment="lower-case login name or e-mail"),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=True, comment="argon2id; NULL = single sign-on only"),
    Column("role", String(16), nullable=False),
    Column("organisation", String(40), nullable=True, comment="organisation key (reporter)"),
    Column("scope", JSON, nullable=False, comment="coordinator: template keys and/or priority-area slugs"),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("oidc_subject", String(255), nullable=True, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True), nullable=True),
    Column("last_login_at", DateTime(timezone=True), nullable=True),
)

collection_round = Table(
    "collection_round",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("template", String(40), nullable=False),
    Column("name", String(200), nullable=False, comment="e.g. Turvallisuuden tilannekuva 2026/1"),
    Column("period", String(8), nullable=False, comment="2026 | 2026H1: the period the values describe"),
    Column("due_date", Date, nullable=False),
    Column("organisations", JSON, nullable=False, comment="keys of the organisations that must report"),
    Column("opened_by", Integer, ForeignKey("account.id"), nullable=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("template", "name"),
)

submission = Table(
    "submission",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", Integer, ForeignKey("collection_round.id"), nullable=False),
    Column("organisation", String(40), nullable=False),
    Column("status", String(16), nullable=False, comment="not_started | draft | submitted | returned | accepted | published"),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    Column("reviewed_at", DateTime(timezone=True), nullable=True),
    Column("publish_on", Date, nullable=True, comment="publication date set on acceptance (embargo)"),
    Column("load_run_id", Integer, ForeignKey("load_run.id"), nullable=True, comment="the publication's load run"),
    UniqueConstraint("round_id", "organisation"),
)

submission_value = Table(
    "submission_value",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submission.id"), nullable=False),
    Column("region_code", String(8), nullable=False),
    Column("period", String(8), nullable=False),
    Column("data", JSON, nullable=False, comment="the row as validated, column -> value"),
    Column("row", Integer, nullable=False, comment="row number in the form or file"),
    UniqueConstraint("submission_id", "region_code", "period"),
)

review_comment = Table(
    "review_comment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submission.id"), nullable=False),
    Column("account_id", Integer, ForeignKey("account.id"), nullable=True),
    Column("action", String(16), nullable=False, comment="return | accept | comment"),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("account_id", Integer, ForeignKey("account.id"), nullable=True),
    Column("username", String(120), nullable=True, comment="as typed, also for failed logins"),
    Column("event", String(40), nullable=False, comment="login | login_failed | login_refused | logout | …"),
    Column("ip", String(64), nullable=True),
    Column("detail", JSON, nullable=False),
    Index("ix_audit_log_at", "at"),
)

value_history = Table(
    "value_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("account_id", Integer, ForeignKey("account.id"), nullable=True),
    Column("actor", String(200), nullable=False, comment="username, or 'cli' for load-manual"),
    Column("organisation", String(40), nullable=True),
    Column("round_id", Integer, ForeignKey("collection_round.id"), nullable=True),
    Column("submission_id", Integer, ForeignKey("submission.id"), nullable=True),
    Column("template", String(40), nullable=False),
    Column("region_code", String(8), nullable=False),
    Column("period", String(8), nullable=False),
    Column("column", String(60), nullable=False),
    Column("old_value", Text, nullable=True),
    Column("new_value", Text, nullable=True),
    Column("manual_entry_id", Integer, ForeignKey("manual_entry.id"), nullable=True),
    Column("publish_on", Date, nullable=True),
    Index("ix_value_history_template", "template", "region_code", "period"),
)
