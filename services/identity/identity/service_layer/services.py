"""What identity does, as plain functions over a unit of work."""

import hmac
from datetime import UTC, datetime

from identity.domain.model import StaffMember, check_password_policy, normalize_email, staff_roles
from identity.service_layer.unit_of_work import IdentityUnitOfWork
from vitrine_shared.auth.passwords import hash_password, needs_rehash, verify_password
from vitrine_shared.auth.principal import Principal, Role
from vitrine_shared.events.contracts import StaffRegistered
from vitrine_shared.problems import Conflict, Unauthorized

# Verifying against a throwaway hash when the email is unknown keeps the answer time the same
# whether or not the account exists.
_DUMMY_HASH = hash_password("vitrine-timing-equaliser")


def register_staff(
    uow: IdentityUnitOfWork, *, email: str, display_name: str, password: str, roles: list[str]
) -> StaffMember:
    address = normalize_email(email)
    parsed_roles = staff_roles(roles)
    check_password_policy(password)
    with uow:
        if uow.staff.by_email(address) is not None:
            raise Conflict(f"A staff member with email {address} already exists.")
        member = StaffMember(
            email=address,
            display_name=display_name.strip() or address,
            password_hash=hash_password(password),
            roles=[str(role) for role in parsed_roles],
        )
        uow.staff.add(member)
        uow.publish(
            StaffRegistered(
                staff_id=member.id, email=member.email, display_name=member.display_name, roles=member.roles
            )
        )
        uow.commit()
        return member


def authenticate(uow: IdentityUnitOfWork, *, email: str, password: str) -> StaffMember:
    with uow:
        member = uow.staff.by_email(email.strip().lower())
        if member is None or not member.active:
            verify_password(_DUMMY_HASH, password)
            raise Unauthorized("Unknown email or wrong password.")
        if not verify_password(member.password_hash, password):
            raise Unauthorized("Unknown email or wrong password.")
        if needs_rehash(member.password_hash):
            member.password_hash = hash_password(password)
        member.last_login_at = datetime.now(UTC)
        uow.commit()
        return member


def authenticate_service(clients: dict[str, str], *, client_id: str, client_secret: str) -> Principal:
    expected = clients.get(client_id)
    # Compare even for an unknown client, so the answer takes the same time either way.
    matches = hmac.compare_digest((expected or "\0").encode(), client_secret.encode())
    if expected is None or not matches:
        raise Unauthorized("Unknown client or wrong secret.")
    return Principal(subject=f"service:{client_id}", roles=frozenset({Role.SERVICE}), name=client_id)


def list_staff(uow: IdentityUnitOfWork) -> list[StaffMember]:
    with uow:
        return uow.staff.list()
