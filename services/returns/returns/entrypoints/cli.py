"""Returns's command line: `python -m returns.entrypoints.cli <command>`."""

import argparse
import sys
import uuid
from datetime import UTC, datetime

from returns.bootstrap import bootstrap
from returns.service_layer import services
from vitrine_shared.events.contracts import OrderLine, OrderPaid

DEMO_ORDER_ID = uuid.UUID("5e7a0000-0000-4000-8000-00000000d001")
DEMO_ORDER_NUMBER = "VIT-DEMO-RETURNS"
DEMO_EMAIL = "shopper@vitrine.test"


def seed() -> int:
    """A demo paid order (development only) so the return portal has something to find."""
    container = bootstrap()
    if not container.settings.is_development:
        print("returns: the demo order exists only in development; nothing seeded.", file=sys.stderr)
        return 0
    event = OrderPaid(
        order_id=DEMO_ORDER_ID,
        order_number=DEMO_ORDER_NUMBER,
        customer_email=DEMO_EMAIL,
        province="QC",
        currency="CAD",
        subtotal_minor=12_900,
        tax_minor=1_933,
        shipping_minor=995,
        total_minor=15_828,
        paid_at=datetime.now(UTC),
        lines=[
            OrderLine(
                sku="DEMO-SCARF-M",
                product_id=uuid.UUID("5e7a0000-0000-4000-8000-00000000d101"),
                quantity=2,
                unit_price_minor=4_950,
                tax_minor=1_484,
            ),
            OrderLine(
                sku="DEMO-EARBUDS",
                product_id=uuid.UUID("5e7a0000-0000-4000-8000-00000000d102"),
                quantity=1,
                unit_price_minor=3_000,
                tax_minor=449,
                hygiene_class="sealed_hygiene",
            ),
        ],
    )
    with container.uow() as uow:
        exists = uow.orders.get(DEMO_ORDER_ID) is not None
        if not exists:
            services.record_paid_order(event, uow)
            uow.commit()
    state = "exists" if exists else "created"
    print(f"returns: demo order {DEMO_ORDER_NUMBER} ({DEMO_EMAIL}) {state}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine-returns")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="a demo paid order to return (development only)")
    parser.parse_args(argv)
    return seed()


if __name__ == "__main__":
    sys.exit(main())
