"""How checkout reads the catalog's variant answer (GET /api/catalog/variants/{sku})."""

import uuid

from checkout.adapters.catalog import variant_from_json


def answer(**extra: object) -> dict[str, object]:
    return {
        "sku": "TEE-M",
        "product_id": str(uuid.uuid4()),
        "name": {"fr": "T-shirt", "en": "T-shirt"},
        "price_minor": 2500,
        "currency": "CAD",
        "available": 3,
        **extra,
    }


def test_the_main_category_is_the_first_of_the_products() -> None:
    assert variant_from_json(answer(categories=["chaussures", "ete"])).category == "chaussures"


def test_a_product_without_categories_or_an_older_answer_has_none() -> None:
    assert variant_from_json(answer(categories=[])).category is None
    assert variant_from_json(answer()).category is None
