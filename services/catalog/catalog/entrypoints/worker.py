from catalog.bootstrap import Container, bootstrap
from catalog.service_layer import reservations, search
from catalog.subscriptions import SUBSCRIPTIONS
from vitrine_shared.worker import PeriodicJob, run_worker


def jobs(container: Container) -> list[PeriodicJob]:
    settings = container.settings
    return [
        PeriodicJob(
            "catalog-indexer",
            settings.index_interval_s,
            lambda: search.index_pending(container.uow, container.indexing_index, batch=settings.index_batch_size),
        ),
        PeriodicJob(
            "catalog-reservation-expiry",
            settings.reservation_sweep_interval_s,
            lambda: reservations.expire_reservations(container.uow),
        ),
    ]


if __name__ == "__main__":
    container = bootstrap()
    run_worker(container, SUBSCRIPTIONS, jobs=jobs(container))
