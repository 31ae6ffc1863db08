import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from identity.entrypoints.dependencies import ContainerDep
from identity.service_layer import services
from vitrine_shared.auth.principal import Role
from vitrine_shared.http import staff_router

router = staff_router(Role.ADMIN, prefix="/staff", tags=["staff"])


class StaffCreate(BaseModel):
    email: str = Field(max_length=320)
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(max_length=1024)
    roles: list[str] = Field(min_length=1, max_length=4)


class StaffPublic(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    roles: list[str]
    active: bool
    last_login_at: datetime | None


@router.get("", response_model=list[StaffPublic])
def list_staff(container: ContainerDep) -> list[StaffPublic]:
    return [StaffPublic.model_validate(m, from_attributes=True) for m in services.list_staff(container.uow())]


@router.post("", response_model=StaffPublic, status_code=201)
def create_staff(body: StaffCreate, container: ContainerDep) -> StaffPublic:
    member = services.register_staff(
        container.uow(), email=body.email, display_name=body.display_name, password=body.password, roles=body.roles
    )
    return StaffPublic.model_validate(member, from_attributes=True)
