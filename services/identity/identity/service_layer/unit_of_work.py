from typing import Self

from identity.adapters.repository import StaffRepository
from vitrine_shared.unit_of_work import UnitOfWork


class IdentityUnitOfWork(UnitOfWork):
    staff: StaffRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.staff = StaffRepository(self.session)
        return self
