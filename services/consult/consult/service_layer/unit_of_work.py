from typing import Self

from consult.adapters.repository import AdvisorRepository, BookingRepository
from vitrine_shared.unit_of_work import UnitOfWork


class ConsultUnitOfWork(UnitOfWork):
    """One transaction in the consult database, with consult's repositories."""

    advisors: AdvisorRepository
    bookings: BookingRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.advisors = AdvisorRepository(self.session)
        self.bookings = BookingRepository(self.session)
        return self
