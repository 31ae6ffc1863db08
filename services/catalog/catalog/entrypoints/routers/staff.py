"""Staff (ops, admin) management of products and stock."""

import uuid
from typing import Annotated, Any

from fastapi import Depends, Path

from catalog.domain.model import SKU_PATTERN
from catalog.entrypoints.dependencies import ContainerDep
from catalog.entrypoints.schemas import ProductCreate, ProductUpdate, StockAdjustmentCreate, product_public
from catalog.service_layer import services
from vitrine_shared.auth.dependencies import require_roles
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.http import staff_router

router = staff_router(Role.OPS, prefix="/staff", tags=["staff"])
Actor = Annotated[Principal, Depends(require_roles(Role.OPS))]
SkuPath = Annotated[str, Path(pattern=SKU_PATTERN, max_length=48)]


@router.post("/products", status_code=201)
def create_product(body: ProductCreate, container: ContainerDep, actor: Actor) -> dict[str, Any]:
    product = services.create_product(container.uow(), body.to_domain(), actor=actor.subject)
    return product_public(product)


@router.patch("/products/{product_id}")
def update_product(product_id: uuid.UUID, body: ProductUpdate, container: ContainerDep, actor: Actor) -> dict[str, Any]:
    product = services.update_product(
        container.uow(),
        product_id,
        changes=body.changes(),
        new_variants=[variant.to_domain() for variant in body.variants],
        actor=actor.subject,
    )
    return product_public(product)


@router.post("/products/{product_id}/archive")
def archive_product(product_id: uuid.UUID, container: ContainerDep, actor: Actor) -> dict[str, Any]:
    return product_public(services.archive_product(container.uow(), product_id, actor=actor.subject))


@router.post("/variants/{sku}/stock-adjustments", status_code=201)
def adjust_stock(sku: SkuPath, body: StockAdjustmentCreate, container: ContainerDep, actor: Actor) -> dict[str, Any]:
    variant = services.adjust_stock(container.uow(), sku, delta=body.delta, reason=body.reason, actor=actor.subject)
    return {
        "sku": variant.sku,
        "on_hand": variant.on_hand,
        "reserved": variant.reserved,
        "available": variant.available,
    }


@router.get("/variants/{sku}/stock-adjustments")
def list_adjustments(sku: SkuPath, container: ContainerDep) -> list[dict[str, Any]]:
    return services.stock_adjustments(container.uow(), sku)
