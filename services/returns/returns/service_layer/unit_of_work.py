from typing import Self

from returns.adapters.repository import (
    DevClockRepository,
    LedgerRepository,
    LotRepository,
    OrderRepository,
    ReturnRepository,
)
from vitrine_shared.unit_of_work import UnitOfWork


class ReturnsUnitOfWork(UnitOfWork):
    """One transaction in the returns database, with its repositories."""

    orders: OrderRepository
    returns: ReturnRepository
    lots: LotRepository
    ledger: LedgerRepository
    dev_clock: DevClockRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.orders = OrderRepository(self.session)
        self.returns = ReturnRepository(self.session)
        self.lots = LotRepository(self.session)
        self.ledger = LedgerRepository(self.session)
        self.dev_clock = DevClockRepository(self.session)
        return self
