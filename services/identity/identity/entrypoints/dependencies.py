from typing import Annotated

from fastapi import Depends, Request

from identity.bootstrap import Container


async def get_container(request: Request) -> Container:
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(get_container)]
