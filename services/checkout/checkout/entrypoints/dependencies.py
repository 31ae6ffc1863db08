from typing import Annotated

from fastapi import Depends, Header, Request

from checkout.bootstrap import Container
from checkout.service_layer.carts import CartAccess
from vitrine_shared.auth.dependencies import OptionalPrincipal
from vitrine_shared.auth.principal import Role
from vitrine_shared.problems import Forbidden


async def get_container(request: Request) -> Container:
    return request.app.state.container


async def cart_access(
    principal: OptionalPrincipal,
    x_cart_token: Annotated[str | None, Header(max_length=200, description="The cart's capability token.")] = None,
) -> CartAccess:
    """The shopper's cart token, or a bearer token of another Vitrine service (consult adds lines
    on the advisor's behalf). A bearer token of any other role opens no cart."""
    if principal is not None:
        if Role.SERVICE not in principal.roles:
            raise Forbidden("Only the cart token or a Vitrine service may open a cart.")
        return CartAccess(as_service=True)
    return CartAccess(token=x_cart_token)


async def order_token(
    x_order_token: Annotated[str | None, Header(max_length=200, description="The order's capability token.")] = None,
) -> str | None:
    return x_order_token


ContainerDep = Annotated[Container, Depends(get_container)]
CartAccessDep = Annotated[CartAccess, Depends(cart_access)]
OrderTokenDep = Annotated[str | None, Depends(order_token)]
