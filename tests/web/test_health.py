"""What a load balancer asks: /healthz (the process answers; no I/O at all) and /readyz
(the database answers and is at the migrations' head; Redis is reported, and its
outage does not take a node out)."""

from sqlalchemy import text

from tests.conftest import app_like, limiter_kept, statements
from tests.redis_server import RedisServer, free_port


def another_app(app, **config):
    return app_like(app, **config).test_client()


def test_healthz_answers_without_touching_anything(client):
    with statements() as sent:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"
    assert sent == []
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]


def test_ready_when_the_database_is_at_the_head(client, at_head):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "ready": True,
        "database": "ok",
        "migrations": "ok",
        "redis": "not configured",
    }


def test_not_ready_before_the_migrations_ran(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    answer = response.get_json()
    assert answer["ready"] is False and answer["database"] == "ok"
    assert answer["migrations"].startswith("at none, code expects ")


def test_not_ready_on_an_older_schema(client, at_head, db):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    answer = client.get("/readyz").get_json()
    assert answer["ready"] is False and answer["migrations"].startswith("at 0001, code expects")


def test_not_ready_without_a_database(app):
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/summit"
    client = another_app(app, SQLALCHEMY_DATABASE_URI=nowhere)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable: OperationalError"
    assert client.get("/healthz").status_code == 200  # alive all the same


def test_ready_with_redis_down_and_says_so(app, at_head):
    client = another_app(app, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["redis"] == "unreachable: rate limits are counted per process"


def test_ready_with_redis_up(app, at_head, tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        client = another_app(app, RATELIMIT_STORAGE_URI=server.url)
        assert client.get("/readyz").get_json()["redis"] == "ok"
    finally:
        server.stop()


def test_without_its_database_the_site_says_try_again_and_the_door_goes_offline(app):
    """PostgreSQL out of reach (restarting, failing over): pages answer 503 with
    Retry-After in words that need no database, the check-in API a 503 the scanner takes
    for offline (it keeps the scan), /readyz 503 and /healthz 200: no crash page, no
    hang, and the pool reconnects by itself when the database is back (tests/nodes)."""
    gone = app_like(
        app,
        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}},
    )
    with limiter_kept():
        client = gone.test_client()
        page = client.get("/")
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert "Strax tillbaka" in page.text and "Back in a moment" in page.text
        scan = client.post(
            "/api/v1/events/summit2027/checkin",
            json={"secret": "x" * 32},
            headers={"Authorization": "Bearer " + "t" * 43},
        )
        assert scan.status_code == 503 and scan.get_json() == {
            "status": "error",
            "error": "unavailable",
        }
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200
