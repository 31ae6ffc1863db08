from vitrine_shared.unit_of_work import UnitOfWork


class ReturnsUnitOfWork(UnitOfWork):
    """One transaction in the returns database; repositories are attached here as they appear."""
