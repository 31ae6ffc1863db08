from typing import Self

from checkout.adapters.repository import CartRepository, OrderRepository, RefundRepository, StripeEventRepository
from vitrine_shared.unit_of_work import UnitOfWork


class CheckoutUnitOfWork(UnitOfWork):
    """One transaction in the checkout database, with checkout's repositories."""

    carts: CartRepository
    orders: OrderRepository
    refunds: RefundRepository
    stripe_events: StripeEventRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.carts = CartRepository(self.session)
        self.orders = OrderRepository(self.session)
        self.refunds = RefundRepository(self.session)
        self.stripe_events = StripeEventRepository(self.session)
        return self
