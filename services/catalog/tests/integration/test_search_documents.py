"""Search documents are assembled by PostgreSQL from the product, its variants and the words
analysed when it was written. They must carry exactly the mapping's fields with the values the
product has, and the words must follow the product as stored (a re-import keeps old colours)."""

import io
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from catalog.adapters.search import INDEX_BODY
from catalog.bootstrap import Container
from catalog.domain.model import Product, colour_names
from catalog.domain.search_words import SEARCH_WORD_FIELDS, search_words
from catalog.domain.text import analyzed
from catalog.entrypoints.cli import import_file
from catalog.service_layer import search

pytestmark = pytest.mark.integration


def stored_document(container: Container, product_id: uuid.UUID) -> dict[str, Any]:
    with container.uow() as uow:
        [(found_id, body)] = uow.products.search_documents([product_id])
        product = uow.products.get(product_id)
    assert found_id == product_id and product is not None
    return json.loads(body)


def expected_document(product: Product) -> dict[str, Any]:
    """What the index should hold for `product`, worked out in Python from the domain model."""
    words = search_words(product).as_row()
    return {
        "id": str(product.id),
        "sku": product.sku,
        "variant_skus": sorted(variant.sku for variant in product.variants),
        "name_fr": product.name_fr,
        "name_en": product.name_en,
        **words,
        "brand": product.brand,
        "categories": product.categories,
        "sizes": sorted({variant.size for variant in product.variants if variant.size}),
        "colours": sorted({variant.colour for variant in product.variants if variant.colour}),
        "price_minor": product.price_minor,
        "currency": product.currency,
        "available": product.available,
        "in_stock": product.available > 0,
        "consult_available": product.consult_available,
        "hygiene_class": product.hygiene_class,
        "final_sale": product.final_sale,
        "archived": product.archived,
        "image": product.images[0] if product.images else None,
        "revision": product.revision,
    }


def test_documents_carry_exactly_the_mapped_fields() -> None:
    mapped = set(INDEX_BODY["mappings"]["properties"])
    assert set(SEARCH_WORD_FIELDS) <= mapped
    assert (
        set(expected_document(Product(sku="X-1", name_fr="a", name_en="a", brand="b", price_minor=1)))
        | {
            "created_at",
            "updated_at",
        }
        == mapped
    )


def test_the_database_builds_the_document_the_product_describes(
    container: Container, create_product: Callable[..., dict[str, Any]]
) -> None:
    created = create_product(
        images=["https://cdn.vitrine.test/1.jpg", "https://cdn.vitrine.test/2.jpg"],
        attributes={"matière": "laine mérinos"},
        consult_available=True,
    )
    product_id = uuid.UUID(created["id"])
    document = stored_document(container, product_id)
    with container.uow() as uow:
        product = uow.products.get(product_id)
    assert product is not None
    assert set(document) == set(INDEX_BODY["mappings"]["properties"])
    for name, value in expected_document(product).items():
        assert document[name] == value, name
    assert document["available"] == 5 and document["in_stock"] is True
    assert "merinos" in document["text_fr_stem"] and analyzed("noir", "fr") in document["text_fr_stem"]


def test_a_plain_sold_out_product_has_empty_facets_and_no_image(
    container: Container, create_product: Callable[..., dict[str, Any]], new_sku: Callable[[str], str]
) -> None:
    created = create_product(variants=[{"sku": new_sku("U"), "on_hand": 0}])
    document = stored_document(container, uuid.UUID(created["id"]))
    assert document["sizes"] == [] and document["colours"] == [] and len(document["variant_skus"]) == 1
    assert document["available"] == 0 and document["in_stock"] is False and document["image"] is None


def test_an_update_analyses_the_new_text(
    container: Container,
    create_product: Callable[..., dict[str, Any]],
    client: Any,
    ops_headers: dict[str, str],
) -> None:
    product_id = create_product()["id"]
    changed = client.patch(
        f"/api/catalog/staff/products/{product_id}",
        json={"name": {"fr": "Manteau d'hiver zqmanteau", "en": "Winter coat zqmanteau"}},
        headers=ops_headers,
    )
    assert changed.status_code == 200, changed.text
    document = stored_document(container, uuid.UUID(product_id))
    assert analyzed("hiver", "fr") in document["name_fr_stem"].split()
    assert analyzed("winter", "en") in document["name_en_stem"].split()
    assert "hiver|hiver" in document["name_words"]


def test_a_reimported_product_keeps_the_colours_of_variants_the_file_no_longer_lists(
    tmp_path: Path, container: Container
) -> None:
    sku = f"REI-{uuid.uuid4().hex[:8].upper()}"

    def import_row(variant: str, colour: str) -> None:
        row = {
            "sku": sku,
            "name": {"fr": "Foulard zqfoulard", "en": "Scarf zqfoulard"},
            "brand": "Essai",
            "categories": ["essais"],
            "price_minor": 2500,
            "variants": [{"sku": f"{sku}-{variant}", "size": "U", "colour": colour, "on_hand": 1}],
        }
        path = tmp_path / f"{variant}.jsonl"
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        import_file(container, path, batch_size=10, file_format=None, out=io.StringIO())

    import_row("R", "red")
    import_row("B", "blue")
    with container.uow() as uow:
        product = uow.products.get_by_sku(sku)
    assert product is not None
    document = stored_document(container, product.id)
    assert document["colours"] == ["blue", "red"]
    for colour in ("red", "blue"):
        assert analyzed(colour_names(colour)["fr"], "fr") in document["text_fr_stem"], colour


def test_reanalysing_restores_lost_words(container: Container, create_product: Callable[..., dict[str, Any]]) -> None:
    product_id = uuid.UUID(create_product()["id"])
    with container.uow() as uow:
        uow.products.session.execute(
            text("DELETE FROM product_search_words WHERE product_id = :id"), {"id": product_id}
        )
        uow.commit()
    assert stored_document(container, product_id)["name_fr_stem"] is None
    assert search.reanalyse(container.uow) > 0
    assert stored_document(container, product_id)["name_fr_stem"]
