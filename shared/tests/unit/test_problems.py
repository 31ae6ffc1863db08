from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from vitrine_shared.problems import IllegalTransition, NotFound, field_name, install_problem_handlers


class Line(BaseModel):
    sku: str
    quantity: int = Field(gt=0)


class Cart(BaseModel):
    lines: list[Line]


def make_client() -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/carts")
    def create_cart(cart: Cart) -> dict[str, int]:
        return {"lines": len(cart.lines)}

    @app.get("/things/{thing_id}")
    def read_thing(thing_id: int) -> None:
        raise NotFound(f"No thing {thing_id}.")

    @app.post("/things/{thing_id}/ship")
    def ship(thing_id: int) -> None:
        raise IllegalTransition("Only a packed thing can ship.", current_state="received")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    return TestClient(app, raise_server_exceptions=False)


def test_validation_error_is_422_problem_naming_the_field() -> None:
    response = make_client().post("/carts", json={"lines": [{"sku": "A", "quantity": 0}]})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["errors"][0]["field"] == "lines[0].quantity"
    assert body["detail"].startswith("lines[0].quantity:")


def test_malformed_json_is_422_not_500() -> None:
    response = make_client().post("/carts", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_domain_problem_keeps_status_and_extensions() -> None:
    client = make_client()
    assert client.get("/things/7").json()["status"] == 404
    conflict = client.post("/things/7/ship")
    assert conflict.status_code == 409
    assert conflict.json()["current_state"] == "received"
    assert conflict.json()["type"].endswith("/illegal-transition")


def test_unknown_route_is_problem_json() -> None:
    response = make_client().get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_unexpected_error_is_500_without_internals() -> None:
    response = make_client().get("/boom")
    assert response.status_code == 500
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


def test_field_name_formats_nested_locations() -> None:
    assert field_name(("body", "lines", 2, "sku")) == "lines[2].sku"
    assert field_name(("query", "q")) == "q"
    assert field_name(("body",)) == "body"
    assert field_name(()) == "request"
