"""Staff members and the rules about them. No I/O here."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from vitrine_shared.auth.principal import STAFF_ROLES, Principal, Role
from vitrine_shared.problems import Unprocessable

MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$")


def normalize_email(email: str) -> str:
    candidate = email.strip().lower()
    if not _EMAIL.match(candidate):
        raise Unprocessable("email", "not an email address")
    return candidate


def staff_roles(roles: list[str]) -> list[Role]:
    if not roles:
        raise Unprocessable("roles", "a staff member needs at least one role")
    parsed: list[Role] = []
    for role in roles:
        if role not in STAFF_ROLES:
            raise Unprocessable("roles", f"'{role}' is not a staff role ({', '.join(sorted(STAFF_ROLES))})")
        parsed.append(Role(role))
    return sorted(set(parsed))


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Unprocessable("password", f"at least {MIN_PASSWORD_LENGTH} characters")


@dataclass
class StaffMember:
    email: str
    display_name: str
    password_hash: str
    roles: list[str]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    active: bool = True
    created_at: datetime | None = None
    last_login_at: datetime | None = None

    def principal(self) -> Principal:
        return Principal(subject=str(self.id), roles=frozenset(Role(r) for r in self.roles), name=self.display_name)
