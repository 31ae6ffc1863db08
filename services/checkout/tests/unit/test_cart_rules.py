"""Cart rules: quantities, lines, stock, prices from the catalog, totals and shipping."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from checkout.domain.model import (
    MAX_LINES,
    MAX_QUANTITY,
    Cart,
    InsufficientStock,
    LineNotInCart,
    ShippingRule,
    Variant,
    compute_totals,
    normalize_email,
    normalize_province,
)
from vitrine_shared.problems import Conflict, IllegalTransition, Unprocessable


def variant(sku: str = "TEE-M", price: int = 2500, available: int = 10, **kwargs: object) -> Variant:
    return Variant(
        sku=sku,
        product_id=uuid.uuid4(),
        name_fr="T-shirt",
        name_en="T-shirt",
        price_minor=price,
        currency="CAD",
        available=available,
        **kwargs,  # type: ignore[arg-type]
    )


def cart() -> Cart:
    return Cart(token_digest="d", expires_at=datetime.now(UTC) + timedelta(days=1))


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY + 1, 10**9])
def test_quantities_out_of_bounds_are_refused(quantity: int) -> None:
    with pytest.raises(Unprocessable, match="quantity"):
        cart().add(variant(), quantity)


def test_adding_the_same_sku_adds_to_its_line_within_bounds() -> None:
    c = cart()
    c.add(variant(available=200), 60)
    c.add(variant(available=200), 30)
    assert [(line.sku, line.quantity) for line in c.lines] == [("TEE-M", 90)]
    with pytest.raises(Unprocessable):
        c.add(variant(available=200), 10)
    assert c.lines[0].quantity == 90


def test_a_cart_holds_at_most_max_lines() -> None:
    c = cart()
    for index in range(MAX_LINES):
        c.add(variant(sku=f"SKU-{index}"), 1)
    with pytest.raises(Conflict, match=str(MAX_LINES)):
        c.add(variant(sku="ONE-MORE"), 1)
    assert len(c.lines) == MAX_LINES


def test_more_than_available_is_refused_naming_the_count() -> None:
    with pytest.raises(InsufficientStock) as refused:
        cart().add(variant(available=2), 3)
    assert refused.value.extensions == {"sku": "TEE-M", "available": 2}


def test_archived_variants_cannot_be_added() -> None:
    with pytest.raises(Conflict):
        cart().add(variant(archived=True), 1)


def test_the_catalog_price_wins_and_follows_changes() -> None:
    c = cart()
    c.add(variant(price=2500), 1)
    c.change_quantity(variant(price=1999), 2)
    assert c.lines[0].unit_price_minor == 1999
    assert c.lines[0].amount_minor == 3998


def test_change_and_remove_of_an_absent_line_are_404() -> None:
    with pytest.raises(LineNotInCart):
        cart().change_quantity(variant(), 1)
    with pytest.raises(LineNotInCart):
        cart().remove("NOPE")


def test_a_checked_out_cart_is_frozen() -> None:
    c = cart()
    c.add(variant(), 1)
    c.status = "checked_out"
    with pytest.raises(IllegalTransition):
        c.add(variant(), 1)
    with pytest.raises(IllegalTransition):
        c.remove("TEE-M")


def test_shipping_flat_rate_then_free_from_the_threshold() -> None:
    rule = ShippingRule(flat_minor=995, free_from_minor=10000)
    assert rule.shipping_for(0) == 0
    assert rule.shipping_for(9999) == 995
    assert rule.shipping_for(10000) == 0


def test_totals_in_quebec() -> None:
    c = cart()
    c.add(variant(price=2500), 2)  # 50.00 $
    totals = compute_totals(c.lines, "QC", ShippingRule())
    # base 50.00 + 9.95 shipping = 59.95; GST 2.9975 -> 3.00; QST 5.9800 -> 5.98
    assert (totals.subtotal_minor, totals.shipping_minor, totals.tax_minor) == (5000, 995, 898)
    assert totals.total_minor == 5000 + 995 + 898
    assert sum(totals.line_taxes) <= totals.tax_minor


def test_totals_without_a_province_carry_no_tax() -> None:
    c = cart()
    c.add(variant(price=20000), 1)
    totals = compute_totals(c.lines, None, ShippingRule())
    assert (totals.tax_minor, totals.shipping_minor, totals.total_minor) == (0, 0, 20000)


def test_provinces_and_emails_are_checked() -> None:
    assert normalize_province(" qc ") == "QC"
    with pytest.raises(Unprocessable, match="province"):
        normalize_province("ZZ")
    assert normalize_email(" A@B.CA ") == "a@b.ca"
    with pytest.raises(Unprocessable, match="email"):
        normalize_email("not-an-email")
