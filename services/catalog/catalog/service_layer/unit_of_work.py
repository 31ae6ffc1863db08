from vitrine_shared.unit_of_work import UnitOfWork


class CatalogUnitOfWork(UnitOfWork):
    """One transaction in the catalog database; repositories are attached here as they appear."""
