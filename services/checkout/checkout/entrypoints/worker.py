from checkout.bootstrap import bootstrap
from checkout.service_layer import orders, refunds, webhooks
from checkout.subscriptions import subscriptions
from vitrine_shared.worker import PeriodicJob, run_worker


def main() -> None:
    container = bootstrap()
    jobs = [
        PeriodicJob("checkout-refunds", 1.0, lambda: refunds.process_due_refunds(container.uow(), container.payments)),
        PeriodicJob(
            "checkout-stripe-events",
            5.0,
            lambda: webhooks.sweep_unprocessed_events(container.uow(), container.payments),
        ),
        PeriodicJob(
            "checkout-expire-orders", 30.0, lambda: orders.expire_unpaid_orders(container.uow(), container.payments)
        ),
    ]
    run_worker(container, subscriptions(lambda: container.payments), jobs=jobs)


if __name__ == "__main__":
    main()
