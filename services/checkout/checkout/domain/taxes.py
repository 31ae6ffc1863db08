"""Canadian sales taxes by province or territory, and how amounts are rounded.

The table is configuration held as data: one row per province/territory, each a list of the taxes
charged there (federal GST, or the harmonized HST, plus a provincial tax where one applies). Rates
are exact decimals; nothing here uses floats.

Rounding (documented, and unit-tested in tests/unit/test_taxes.py):
- each tax component is computed on the whole taxable base of the order (goods + shipping, since
  in Canada shipping follows the tax status of the goods shipped) and rounded ONCE, half up, to the
  cent: that is the amount the shopper pays for that component, as on a till receipt;
- the order's tax is the sum of its rounded components (QC: GST and QST rounded separately);
- each component is then shared among the lines (and shipping) in proportion to their amounts
  by the largest-remainder method, so the shares are whole cents and add up exactly to the
  component's total. Line shares feed `OrderLine.tax_minor` (what a refund gives back).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class TaxComponent:
    code: str  # GST, HST, QST, PST, RST
    rate: Decimal


def _taxes(*pairs: tuple[str, str]) -> tuple[TaxComponent, ...]:
    return tuple(TaxComponent(code, Decimal(rate)) for code, rate in pairs)


# Rates in force in 2026. Nova Scotia's HST went from 15% to 14% on 2025-04-01.
TAX_TABLE: dict[str, tuple[TaxComponent, ...]] = {
    "AB": _taxes(("GST", "0.05")),
    "BC": _taxes(("GST", "0.05"), ("PST", "0.07")),
    "MB": _taxes(("GST", "0.05"), ("RST", "0.07")),
    "NB": _taxes(("HST", "0.15")),
    "NL": _taxes(("HST", "0.15")),
    "NS": _taxes(("HST", "0.14")),
    "NT": _taxes(("GST", "0.05")),
    "NU": _taxes(("GST", "0.05")),
    "ON": _taxes(("HST", "0.13")),
    "PE": _taxes(("HST", "0.15")),
    "QC": _taxes(("GST", "0.05"), ("QST", "0.09975")),
    "SK": _taxes(("GST", "0.05"), ("PST", "0.06")),
    "YT": _taxes(("GST", "0.05")),
}

PROVINCES = tuple(sorted(TAX_TABLE))


def round_half_up(amount: Decimal) -> int:
    """Minor units, half a cent rounding away from zero (amounts here are never negative)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate(total: int, weights: list[int]) -> list[int]:
    """Share `total` cents among `weights` proportionally, in whole cents that add up to `total`
    (largest remainder; ties go to the earlier weight)."""
    if total == 0 or not weights:
        return [0] * len(weights)
    base = sum(weights)
    if base <= 0:
        return [0] * len(weights)
    exact = [Decimal(total) * weight / base for weight in weights]
    shares = [int(value) for value in exact]  # floor: amounts are non-negative
    leftover = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[:leftover]:
        shares[index] += 1
    return shares


@dataclass(frozen=True)
class TaxLine:
    code: str
    rate: Decimal
    amount_minor: int


@dataclass(frozen=True)
class TaxResult:
    components: tuple[TaxLine, ...]
    line_shares: tuple[int, ...]  # one per goods line, all components together
    shipping_share: int

    @property
    def total_minor(self) -> int:
        return sum(component.amount_minor for component in self.components)


def compute_taxes(province: str, line_amounts: list[int], shipping_minor: int) -> TaxResult:
    components = TAX_TABLE[province]
    base = sum(line_amounts) + shipping_minor
    weights = [*line_amounts, shipping_minor]
    taxed: list[TaxLine] = []
    shares = [0] * len(weights)
    for component in components:
        amount = round_half_up(Decimal(base) * component.rate)
        taxed.append(TaxLine(component.code, component.rate, amount))
        for index, share in enumerate(allocate(amount, weights)):
            shares[index] += share
    return TaxResult(components=tuple(taxed), line_shares=tuple(shares[:-1]), shipping_share=shares[-1])
