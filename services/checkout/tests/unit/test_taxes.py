"""Taxes and rounding: the documented rules of checkout/domain/taxes.py."""

from decimal import Decimal

import pytest

from checkout.domain.taxes import PROVINCES, TAX_TABLE, allocate, compute_taxes, round_half_up


def test_every_province_and_territory_has_a_row() -> None:
    assert set(PROVINCES) == {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}


def test_quebec_charges_gst_and_qst_each_rounded_once() -> None:
    # 100.00 $ of goods: GST 5.00, QST 9.975 -> 9.98 (half up), total 14.98.
    taxes = compute_taxes("QC", [10000], 0)
    assert [(t.code, t.amount_minor) for t in taxes.components] == [("GST", 500), ("QST", 998)]
    assert taxes.total_minor == 1498


def test_ontario_charges_hst_13() -> None:
    taxes = compute_taxes("ON", [2999, 1001], 995)
    assert [(t.code, t.rate) for t in taxes.components] == [("HST", Decimal("0.13"))]
    assert taxes.total_minor == round_half_up(Decimal(4995) * Decimal("0.13")) == 649


def test_shipping_is_taxed_and_gets_its_share() -> None:
    taxes = compute_taxes("AB", [1000], 1000)
    assert taxes.total_minor == 100
    assert taxes.line_shares == (50,)
    assert taxes.shipping_share == 50


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(Decimal("0.5"), 1), (Decimal("1.4999"), 1), (Decimal("1.5"), 2), (Decimal("2.5"), 3), (Decimal("0"), 0)],
)
def test_half_a_cent_rounds_up(amount: Decimal, expected: int) -> None:
    assert round_half_up(amount) == expected


def test_rounding_per_order_not_per_line() -> None:
    # Three lines of 0.10 $ in Alberta: 5% of each is half a cent. Per line that would be
    # 3 x 1 = 3 cents; per order it is 5% of 0.30 $ = 1.5 -> 2 cents. We charge 2.
    taxes = compute_taxes("AB", [10, 10, 10], 0)
    assert taxes.total_minor == 2
    assert sum(taxes.line_shares) == 2


@pytest.mark.parametrize("province", sorted(TAX_TABLE))
def test_line_shares_always_add_up_to_the_tax(province: str) -> None:
    lines = [333, 12345, 1, 99999, 7]
    taxes = compute_taxes(province, lines, 995)
    assert sum(taxes.line_shares) + taxes.shipping_share == taxes.total_minor


def test_allocate_is_exact_and_proportional() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(0, [5, 5]) == [0, 0]
    assert allocate(7, [0, 0]) == [0, 0]
    assert sum(allocate(1001, [3, 7, 11, 13])) == 1001
