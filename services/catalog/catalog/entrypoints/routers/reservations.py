"""Stock reservations, called by checkout with a service token."""

import uuid
from typing import Any

from catalog.entrypoints.dependencies import ContainerDep
from catalog.entrypoints.schemas import ReservationCreate, ReservationPublic
from catalog.service_layer import reservations
from vitrine_shared.auth.principal import Role
from vitrine_shared.http import staff_router
from vitrine_shared.problems import NotFound

router = staff_router(Role.SERVICE, prefix="/reservations", tags=["reservations"])


@router.post("", status_code=201, response_model=ReservationPublic)
def reserve(body: ReservationCreate, container: ContainerDep) -> dict[str, Any]:
    # The same reservation id again answers the existing reservation, with the same status code,
    # so a caller's retry cannot tell (or need to tell) whether its first attempt got through.
    view, _ = reservations.reserve(
        container.uow(),
        reservation_id=body.reservation_id,
        lines=[(line.sku, line.quantity) for line in body.lines],
        ttl_seconds=body.ttl_seconds,
    )
    return view


@router.get("/{reservation_id}", response_model=ReservationPublic)
def get_reservation(reservation_id: uuid.UUID, container: ContainerDep) -> dict[str, Any]:
    view = reservations.reservation_view(container.uow(), reservation_id)
    if view is None:
        raise NotFound(f"No reservation {reservation_id}.")
    return view


@router.post("/{reservation_id}/release", response_model=ReservationPublic)
def release_reservation(reservation_id: uuid.UUID, container: ContainerDep) -> dict[str, Any]:
    """Give a hold back at once (an order that will not be placed) instead of waiting for expiry."""
    return reservations.release(container.uow(), reservation_id)
