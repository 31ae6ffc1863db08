"""Public search and autocomplete."""

from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import JSONResponse

from catalog.adapters.search import SearchQuery
from catalog.entrypoints.dependencies import ContainerDep
from catalog.service_layer import search
from vitrine_shared.http import public_router
from vitrine_shared.problems import Unprocessable

router = public_router(tags=["search"])

# Long enough for any real query; longer text is refused with a clear 422, never sent on.
QueryText = Annotated[str, Query(max_length=200)]
Facet = Annotated[list[str], Query(max_length=20)]


@router.get("/search")
def search_products(
    container: ContainerDep,
    q: QueryText = "",
    lang: Literal["fr", "en"] = "fr",
    category: Facet = [],  # noqa: B006 - FastAPI copies query defaults
    brand: Facet = [],  # noqa: B006
    size: Facet = [],  # noqa: B006
    colour: Facet = [],  # noqa: B006
    price_min: Annotated[int | None, Query(ge=0, le=100_000_000)] = None,
    price_max: Annotated[int | None, Query(ge=0, le=100_000_000)] = None,
    in_stock: bool | None = None,
    consult_available: bool | None = None,
    sort: Literal["relevance", "price_asc", "price_desc", "newest"] = "relevance",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 24,
) -> JSONResponse:
    if page * per_page > 10_000:
        raise Unprocessable("page", "results beyond the first 10000 are not served; narrow the search")
    if price_min is not None and price_max is not None and price_min > price_max:
        raise Unprocessable("price_min", "must not exceed price_max")
    for name, values in (("category", category), ("brand", brand), ("size", size), ("colour", colour)):
        if any(len(value) > 100 for value in values):
            raise Unprocessable(name, "a facet value is at most 100 characters")
    query = SearchQuery(
        text=q,
        language=lang,
        categories=category,
        brands=brand,
        sizes=size,
        colours=colour,
        price_min=price_min,
        price_max=price_max,
        in_stock=in_stock,
        consult_available=consult_available,
        sort=sort,
        page=page,
        per_page=per_page,
    )
    # Already plain JSON types: skip FastAPI's encoder pass over every hit and bucket.
    return JSONResponse(search.search_products(container.search_index, query))


@router.get("/suggest")
def suggest(
    container: ContainerDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    lang: Literal["fr", "en"] = "fr",
    size: Annotated[int, Query(ge=1, le=20)] = 8,
) -> dict[str, Any]:
    return search.suggest(container.search_index, q, language=lang, size=size)
