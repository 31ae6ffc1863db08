from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.domain.model import StaffMember


class StaffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, member: StaffMember) -> None:
        self.session.add(member)

    def by_email(self, email: str) -> StaffMember | None:
        return self.session.scalars(select(StaffMember).where(StaffMember.email == email)).one_or_none()  # type: ignore[arg-type]

    def list(self) -> list[StaffMember]:
        return list(self.session.scalars(select(StaffMember).order_by(StaffMember.email)))  # type: ignore[arg-type]
