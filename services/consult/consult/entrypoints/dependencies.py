from typing import Annotated

from fastapi import Depends, Header, Request

from consult.bootstrap import Container


async def get_container(request: Request) -> Container:
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(get_container)]
BookingToken = Annotated[str, Header(alias="X-Booking-Token", max_length=100, description="The booking's token.")]
