from vitrine_shared.unit_of_work import UnitOfWork


class ConsultUnitOfWork(UnitOfWork):
    """One transaction in the consult database; repositories are attached here as they appear."""
