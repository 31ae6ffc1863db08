"""Identity's command line: `python -m identity.entrypoints.cli <command>`."""

import argparse
import getpass
import sys

from identity.bootstrap import bootstrap
from identity.service_layer import services
from vitrine_shared.problems import Conflict, Problem

DEMO_PASSWORD = "vitrine-demo-2026"  # noqa: S105 - demo accounts, development only
DEMO_STAFF = [
    ("admin@vitrine.test", "Alex Admin", ["admin"]),
    ("ops@vitrine.test", "Olivia Ops", ["ops"]),
    ("camille@vitrine.test", "Camille Tremblay", ["advisor"]),
    ("noah@vitrine.test", "Noah Gagnon", ["advisor"]),
    ("lea@vitrine.test", "Léa Roy", ["advisor"]),
]


def seed() -> int:
    container = bootstrap()
    if not container.settings.is_development:
        print("identity: demo accounts exist only in development; nothing seeded.", file=sys.stderr)
        return 1
    for index, (email, name, roles) in enumerate(DEMO_STAFF, start=1):
        try:
            services.register_staff(
                container.uow(), email=email, display_name=name, password=DEMO_PASSWORD, roles=roles
            )
            outcome = "created"
        except Conflict:
            outcome = "exists"
        print(f"identity: staff {index}/{len(DEMO_STAFF)} {email} ({', '.join(roles)}) {outcome}")
    print(f"identity: demo staff password for every account above: {DEMO_PASSWORD}")
    return 0


def create_staff(args: argparse.Namespace) -> int:
    password = args.password or getpass.getpass("Password (12+ characters): ")
    try:
        member = services.register_staff(
            bootstrap().uow(), email=args.email, display_name=args.name, password=password, roles=args.role
        )
    except Problem as problem:
        print(f"identity: {problem.detail}", file=sys.stderr)
        return 2
    print(f"identity: created {member.email} with roles {', '.join(member.roles)} (id {member.id})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine-identity")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="create the demo staff accounts (development only)")
    create = commands.add_parser("create-staff", help="create a staff account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", action="append", required=True, choices=["advisor", "ops", "admin"])
    create.add_argument("--password", help="prompted for when omitted")
    args = parser.parse_args(argv)
    if args.command == "seed":
        return seed()
    return create_staff(args)


if __name__ == "__main__":
    sys.exit(main())
