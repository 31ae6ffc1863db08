"""Public reading of the catalog: lists, product detail (with ETag), variants by SKU."""

import hashlib
import json
import uuid
from typing import Annotated, Any

from fastapi import Path, Query, Request, Response
from fastapi.responses import JSONResponse

from catalog.domain.model import CATEGORY_PATTERN, SKU_PATTERN
from catalog.entrypoints.dependencies import ContainerDep
from catalog.entrypoints.schemas import VariantPublic, product_public
from catalog.service_layer import services
from vitrine_shared.http import public_router

router = public_router(tags=["products"])

SkuPath = Annotated[str, Path(pattern=SKU_PATTERN, max_length=48)]


def _with_etag(request: Request, body: dict[str, Any], max_age: int = 30) -> Response:
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    etag = '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
    wanted = request.headers.get("if-none-match", "")
    if etag in [tag.strip().removeprefix("W/") for tag in wanted.split(",")] or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(payload, media_type="application/json", headers=headers)


@router.get("/products")
def list_products(
    container: ContainerDep,
    category: Annotated[str | None, Query(pattern=CATEGORY_PATTERN, max_length=50)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 24,
) -> JSONResponse:
    items, total = services.list_products(
        container.uow(), category=category, limit=per_page, offset=(page - 1) * per_page
    )
    return JSONResponse(
        {"items": [product_public(item) for item in items], "total": total, "page": page, "per_page": per_page}
    )


@router.get("/products/by-sku/{sku}")
def product_by_sku(sku: SkuPath, request: Request, container: ContainerDep) -> Response:
    detail = services.product_detail_by_sku(container.uow(), sku)
    return _with_etag(request, product_public(detail.product, detail.returned_units))


@router.get("/products/{product_id}")
def product_detail(product_id: uuid.UUID, request: Request, container: ContainerDep) -> Response:
    detail = services.product_detail(container.uow(), product_id)
    return _with_etag(request, product_public(detail.product, detail.returned_units))


@router.get("/variants/{sku}", response_model=VariantPublic)
def variant(sku: SkuPath, container: ContainerDep) -> dict[str, Any]:
    return services.variant_view(container.uow(), sku)
