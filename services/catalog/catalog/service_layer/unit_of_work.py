from typing import Self

from catalog.adapters.repository import CatalogRepository
from vitrine_shared.unit_of_work import UnitOfWork


class CatalogUnitOfWork(UnitOfWork):
    """One transaction in the catalog database."""

    products: CatalogRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.products = CatalogRepository(self.session)
        return self
