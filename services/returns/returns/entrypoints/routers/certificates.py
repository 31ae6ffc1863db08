"""The public hygiene certificate of a restocked item, verified against its ledger on every read."""

from typing import Any

from fastapi import Path

from returns.entrypoints.dependencies import ContainerDep
from returns.service_layer import views
from vitrine_shared.http import public_router

router = public_router(tags=["certificates"])


@router.get("/certificates/{certificate_id}")
def read_certificate(
    container: ContainerDep, certificate_id: str = Path(max_length=40, pattern=r"^[A-Za-z0-9-]+$")
) -> dict[str, Any]:
    """Item, inspection grade, quarantine period, lot, method, operator initials and dates, read
    from the hash-chained ledger, and whether that chain still verifies."""
    return views.certificate(container.uow(), certificate_id=certificate_id)
