"""The migrations build, from an empty database, exactly the schema the models describe."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from eventsapp import create_app
from eventsapp.config import TestConfig, normalize_database_url
from eventsapp.extensions import db


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A brand-new database of the same kind as the test database."""
    url = make_url(normalize_database_url(database_url))
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"eventsapp_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            tables = set(inspect(connection).get_table_names())
        db.engine.dispose()
    assert differences == [], differences
    assert {"campaign", "event", "event_session", "organization", "venue", "user", "alembic_version"} <= tables


def test_downgrade_to_empty_and_back(empty_database_url):
    from flask_migrate import downgrade

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_bilingual_names_keep_every_row_and_text_up_and_down(empty_database_url):
    """0007 splits speaker, room and cancellation texts into zh/en: the old text goes into both, and
    back; an agenda item keeps its room, and no event, talk or registration goes (SQLite cascades when a
    referenced table is copied, so the migration must not copy one)."""
    from flask_migrate import downgrade

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            insert_campaign_with_a_cancelled_event(connection)
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            assert rows(connection, "SELECT name_zh, name_en FROM room ORDER BY id") == [
                ("一楼报告厅 / Ground-floor Auditorium",) * 2, ("Hall B", "Hall B")]
            assert rows(connection, "SELECT name_zh, name_en, job_title_zh, job_title_en, organization_zh, "
                                    "organization_en FROM speaker") == [("王芳", "王芳", "总监", "总监", "", "")]
            assert rows(connection, "SELECT cancellation_reason_zh, cancellation_reason_en FROM event") == [
                ("Typhoon / 台风",) * 2]
            assert rows(connection, "SELECT room_id FROM event_session") == [(1,)]
            assert rows(connection, "SELECT count(*) FROM registration") == [(1,)]
            connection.execute(text("UPDATE room SET name_zh = '二号厅', name_en = 'Hall Two' WHERE id = 2"))
            connection.execute(text("UPDATE speaker SET name_en = 'Wang Fang'"))
        downgrade(revision="0006")
        with db.engine.begin() as connection:
            assert rows(connection, "SELECT name FROM room ORDER BY id") == [
                ("一楼报告厅 / Ground-floor Auditorium",), ("二号厅 / Hall Two",)]
            assert rows(connection, "SELECT name, job_title, organization FROM speaker") == [
                ("王芳 / Wang Fang", "总监", "")]
            assert rows(connection, "SELECT cancellation_reason FROM event") == [("Typhoon / 台风",)]
            assert rows(connection, "SELECT room_id FROM event_session") == [(1,)]
            assert rows(connection, "SELECT count(*) FROM registration") == [(1,)]
        upgrade()
        db.engine.dispose()


def rows(connection, sql: str) -> list[tuple]:
    return [tuple(row) for row in connection.execute(text(sql))]


def insert_campaign_with_a_cancelled_event(connection) -> None:
    """One of each row the 0007 migration touches or that points at them, in the schema of 0006."""
    statements = [
        "INSERT INTO campaign (id, slug, year, name_zh, name_en, description_zh, description_en, organizing_body_zh,"
        " organizing_body_en, main_language) VALUES (1, 'c', 2026, '活动', 'Campaign', '', '', '', '', 'zh')",
        "INSERT INTO organization (id, name_zh, name_en, sector, website, description_zh, description_en)"
        " VALUES (1, '公司', 'Company', 'other', '', '', '')",
        "INSERT INTO venue (id, name_zh, name_en, address_zh, address_en, district_zh, district_en, city_zh, city_en,"
        " timezone, directions_zh, directions_en) VALUES (1, '会场', 'Venue', '', '', '', '', '', '',"
        " 'Asia/Shanghai', '', '')",
        "INSERT INTO room (id, venue_id, name, position) VALUES (1, 1, '一楼报告厅 / Ground-floor Auditorium', 0),"
        " (2, 1, 'Hall B', 1)",
        "INSERT INTO event (id, campaign_id, host_id, venue_id, title_zh, title_en, description_zh, description_en,"
        " starts_at, ends_at, timezone, capacity, status, cancellation_reason, sequence) VALUES (1, 1, 1, 1, '日',"
        " 'Day', '', '', '2030-01-01 02:00:00', '2030-01-01 05:00:00', 'Asia/Shanghai', 10, 'cancelled',"
        " 'Typhoon / 台风', 2)",
        "INSERT INTO event_session (id, event_id, title_zh, title_en, abstract_zh, abstract_en, starts_at, ends_at,"
        " room_id) VALUES (1, 1, '讲座', 'Talk', '', '', '2030-01-01 02:00:00', '2030-01-01 03:00:00', 1)",
        "INSERT INTO speaker (id, session_id, name, job_title, organization, position)"
        " VALUES (1, 1, '王芳', '总监', '', 0)",
        "INSERT INTO registration (id, event_id, name, email, phone, organization, job_title, status, token,"
        " language) VALUES (1, 1, 'Li', 'li@example.com', '', '', '', 'cancelled', 't', 'zh')",
    ]
    for statement in statements:
        connection.execute(text(statement))
