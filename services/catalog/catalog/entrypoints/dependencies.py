from typing import Annotated

from fastapi import Depends, Request

from catalog.bootstrap import Container


async def _container(request: Request) -> Container:
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(_container)]
