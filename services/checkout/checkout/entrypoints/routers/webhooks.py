from typing import Annotated

from fastapi import Header, Request
from starlette.concurrency import run_in_threadpool

from checkout.adapters.payments import InvalidWebhook
from checkout.entrypoints.dependencies import ContainerDep
from checkout.service_layer import webhooks
from vitrine_shared.http import public_router

# Public: Stripe calls it; the signature on the raw body is the authentication.
router = public_router(prefix="/webhooks", tags=["webhooks"])

MAX_WEBHOOK_BYTES = 512 * 1024


@router.post("/stripe", responses={400: {"description": "Bad signature, too old, or not a Stripe event."}})
async def stripe_webhook(
    request: Request,
    container: ContainerDep,
    stripe_signature: Annotated[str | None, Header(max_length=2000)] = None,
) -> dict[str, object]:
    """Verify, store once, answer at once; the worker does the work."""
    payload = await request.body()
    if len(payload) > MAX_WEBHOOK_BYTES:
        raise InvalidWebhook("The webhook body is too large.")
    receipt = await run_in_threadpool(
        webhooks.receive_stripe_event,
        container.uow(),
        container.payments,
        payload=payload,
        signature=stripe_signature,
    )
    return {"received": True, "event_id": receipt.event_id, "duplicate": receipt.duplicate}
