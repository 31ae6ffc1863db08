from typing import Self

from consult.adapters.repository import AdvisorRepository, BookingRepository, QueueRepository, SessionRepository
from vitrine_shared.unit_of_work import UnitOfWork


class ConsultUnitOfWork(UnitOfWork):
    """One transaction in the consult database, with consult's repositories."""

    advisors: AdvisorRepository
    bookings: BookingRepository
    queue: QueueRepository
    sessions: SessionRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.advisors = AdvisorRepository(self.session)
        self.bookings = BookingRepository(self.session)
        self.queue = QueueRepository(self.session)
        self.sessions = SessionRepository(self.session)
        return self
