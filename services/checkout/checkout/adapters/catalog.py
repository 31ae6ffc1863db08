"""The catalog as checkout sees it: a port (what checkout needs) and its HTTP adapter (the
catalog's published API, see docs/service-interfaces.md)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from checkout.domain.model import InsufficientStock, Variant
from vitrine_shared.problems import NotFound, ServiceUnavailable
from vitrine_shared.service_client import ServiceClient, UpstreamProblem


@dataclass(frozen=True)
class Reservation:
    reservation_id: uuid.UUID
    expires_at: datetime
    # The held variants as the catalog showed them with the hold (price, names, hygiene class),
    # by SKU; empty from a catalog that does not send them.
    variants: dict[str, Variant] = field(default_factory=dict)


class CatalogPort(Protocol):
    def variant(self, sku: str) -> Variant:
        """The variant's current price and availability; NotFound for an unknown SKU."""
        ...

    def reserve(self, reservation_id: uuid.UUID, lines: list[tuple[str, int]], ttl_seconds: int) -> Reservation:
        """Hold all lines or none (InsufficientStock); the same id again is the same reservation.
        The answer carries the held variants at the moment of the hold, when the catalog sends them."""
        ...

    def release(self, reservation_id: uuid.UUID) -> None:
        """Give a hold back now (its order will not be placed) rather than at its expiry."""
        ...


def variant_from_json(body: dict[str, Any]) -> Variant:
    name = body.get("name") or {}
    available = body.get("available", 0)
    categories = body.get("categories") or []  # main category first; older catalogs send none
    if isinstance(available, bool):  # a yes/no answer: treat "yes" as plenty
        available = 10**6 if available else 0
    return Variant(
        sku=str(body["sku"]),
        product_id=uuid.UUID(str(body["product_id"])),
        name_fr=str(name.get("fr", body["sku"])),
        name_en=str(name.get("en", body["sku"])),
        price_minor=int(body["price_minor"]),
        currency=str(body.get("currency", "CAD")),
        available=int(available),
        hygiene_class=str(body.get("hygiene_class", "standard")),
        final_sale=bool(body.get("final_sale", False)),
        archived=bool(body.get("archived", False)),
        category=str(categories[0]) if categories else None,
    )


class HttpCatalog:
    def __init__(self, public: ServiceClient, service: ServiceClient) -> None:
        self._public = public  # variants are public: no token needed
        self._service = service  # reservations need a `service` token

    def variant(self, sku: str) -> Variant:
        try:
            response = self._public.get(f"/api/catalog/variants/{_path_segment(sku)}")
        except UpstreamProblem as problem:
            if problem.status == 404:
                raise NotFound(f"Unknown SKU {sku}.", sku=sku) from problem
            raise
        try:
            return variant_from_json(response.json())
        except (KeyError, ValueError, TypeError) as exc:
            raise ServiceUnavailable("The catalog answered in an unexpected shape.") from exc

    def reserve(self, reservation_id: uuid.UUID, lines: list[tuple[str, int]], ttl_seconds: int) -> Reservation:
        body = {
            "reservation_id": str(reservation_id),
            "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines],
            "ttl_seconds": ttl_seconds,
        }
        try:
            response = self._service.post("/api/catalog/reservations", json=body)
        except UpstreamProblem as problem:
            if problem.status == 409:
                raise InsufficientStock(problem.detail, **problem.extensions) from problem
            if problem.status in (404, 422):
                # A SKU vanished between cart and order: the shopper must fix the cart.
                raise InsufficientStock(problem.detail, **problem.extensions) from problem
            raise
        payload = response.json()
        try:
            variants = {
                str(line["sku"]): variant_from_json(line["variant"])
                for line in payload.get("lines", [])
                if isinstance(line, dict) and isinstance(line.get("variant"), dict)
            }
        except (KeyError, ValueError, TypeError) as exc:
            raise ServiceUnavailable("The catalog answered in an unexpected shape.") from exc
        return Reservation(
            reservation_id=uuid.UUID(str(payload["reservation_id"])),
            expires_at=datetime.fromisoformat(str(payload["expires_at"]).replace("Z", "+00:00")),
            variants=variants,
        )

    def release(self, reservation_id: uuid.UUID) -> None:
        self._service.post(f"/api/catalog/reservations/{reservation_id}/release")


def _path_segment(sku: str) -> str:
    return quote(sku, safe="")
