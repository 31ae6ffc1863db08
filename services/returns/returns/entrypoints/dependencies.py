from typing import Annotated

from fastapi import Depends, Request

from returns.bootstrap import Container
from returns.domain.model import Actor
from vitrine_shared.auth.principal import Principal


async def get_container(request: Request) -> Container:
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(get_container)]


def actor_of(principal: Principal) -> Actor:
    return Actor(subject=principal.subject, name=principal.name)
