"""Checkout's command line: `python -m checkout.entrypoints.cli <command>`."""

import argparse
import sys

from checkout.bootstrap import bootstrap
from checkout.service_layer import orders, refunds, webhooks


def seed() -> int:
    # Carts and orders are made by shoppers; there is no demo data to create. Nothing to do, and
    # so nothing to repeat: safe on every `bin/vitrine up`.
    print("checkout: nothing to seed (carts and orders come from shoppers)")
    return 0


def list_refunds(status: str | None) -> int:
    container = bootstrap()
    found = refunds.list_refunds(container.uow(), status=status, limit=500)
    for refund in found:
        print(
            f"{refund.id} order={refund.order_id} return={refund.return_id} {refund.amount_minor} {refund.currency} "
            f"{refund.status} attempts={refund.attempts} {refund.last_error or ''}"
        )
    print(f"checkout: {len(found)} refund(s)")
    return 0


def run_jobs() -> int:
    """The worker's periodic jobs, once (for ops, or after an outage)."""
    container = bootstrap()
    sent = refunds.process_due_refunds(container.uow(), container.payments)
    swept = webhooks.sweep_unprocessed_events(container.uow(), container.payments, min_age_s=0)
    expired = orders.expire_unpaid_orders(container.uow(), container.payments)
    print(f"checkout: refunds tried {sent}, stripe events looked at {swept}, orders expired {expired}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine-checkout")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="nothing to seed; present so `bin/vitrine up` finds it")
    listing = commands.add_parser("refunds", help="list refunds with their status and last error")
    listing.add_argument("--status", choices=["pending", "succeeded", "failed", "refused"])
    commands.add_parser("run-jobs", help="run the worker's periodic jobs once")
    args = parser.parse_args(argv)
    if args.command == "seed":
        return seed()
    if args.command == "refunds":
        return list_refunds(args.status)
    return run_jobs()


if __name__ == "__main__":
    sys.exit(main())
