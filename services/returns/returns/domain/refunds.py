"""How much a refund approval is worth: each unit's price plus its tax share, and the shipping
paid when the return is the shop's fault (once per order)."""

from collections.abc import Sequence
from dataclasses import dataclass

from returns.domain.model import Order, ReturnItem
from returns.domain.policy import ReturnsPolicy


@dataclass(frozen=True)
class RefundQuote:
    amount_minor: int
    includes_shipping: bool


def quote(
    order: Order, items: Sequence[ReturnItem], *, shipping_already_refunded: bool, policy: ReturnsPolicy
) -> RefundQuote:
    amount = sum(item.unit_refund_minor for item in items)
    shop_at_fault = any(item.reason_code in policy.shipping_refund_reasons for item in items)
    include_shipping = shop_at_fault and not shipping_already_refunded and order.shipping_minor > 0
    if include_shipping:
        amount += order.shipping_minor
    return RefundQuote(amount_minor=amount, includes_shipping=include_shipping)
