from app.main import app
from fastapi.testclient import TestClient

client = TestClient(app)


def test_health_answers_ok() -> None:
    assert client.get("/api/health").json() == {"status": "ok"}
