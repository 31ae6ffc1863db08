import uuid
from typing import Annotated, Literal

from fastapi import Query

from checkout.entrypoints.dependencies import ContainerDep
from checkout.entrypoints.schemas import RefundOut, refund_out
from checkout.service_layer import refunds
from vitrine_shared.auth.principal import Role
from vitrine_shared.http import staff_router

router = staff_router(Role.OPS, prefix="/refunds", tags=["refunds"])

RefundStatusQuery = Annotated[Literal["pending", "succeeded", "failed", "refused"] | None, Query()]


@router.get("", response_model=list[RefundOut])
def list_refunds(
    container: ContainerDep, status: RefundStatusQuery = None, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[RefundOut]:
    """Every refund with its status, attempts and last error: nothing fails silently."""
    return [refund_out(r) for r in refunds.list_refunds(container.uow(), status=status, limit=limit)]


@router.post("/{refund_id}/retry", response_model=RefundOut)
def retry_refund(refund_id: uuid.UUID, container: ContainerDep) -> RefundOut:
    """Send a failed refund back to the worker."""
    return refund_out(refunds.retry_refund(container.uow(), refund_id))
