from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SHOPPER = "shopper"
    ADVISOR = "advisor"
    OPS = "ops"
    ADMIN = "admin"
    SERVICE = "service"  # another Vitrine service, calling with client credentials


STAFF_ROLES = frozenset({Role.ADVISOR, Role.OPS, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[Role]
    name: str | None = None

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    def has_any_role(self, wanted: frozenset[Role]) -> bool:
        # An admin may do whatever any staff role may.
        return bool(self.roles & wanted) or (Role.ADMIN in self.roles and bool(wanted & STAFF_ROLES))
