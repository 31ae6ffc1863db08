from vitrine_shared.unit_of_work import UnitOfWork


class CheckoutUnitOfWork(UnitOfWork):
    """One transaction in the checkout database; repositories are attached here as they appear."""
