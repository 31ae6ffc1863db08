"""The floor for bench.checkout: a bare FastAPI app that makes exactly checkout's Stripe calls in
the same two shopper requests (create the intent; attach the card and confirm), with nothing
else: no database, no stock hold, no order, no event. Whatever an HTTP service in Python adds
around localstripe's own latency, this adds too, so checkout's ratio can be read against it.

Its localstripe comes from BENCH_STRIPE_API_BASE (the benchmark's own)."""

import os

import stripe
from fastapi import FastAPI

app = FastAPI()
_stripe = stripe.StripeClient(
    "sk_test_bench", base_addresses={"api": os.environ["BENCH_STRIPE_API_BASE"]}, max_network_retries=0
)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "alive"}


@app.post("/intents")
def create_intent(body: dict[str, str]) -> dict[str, str]:
    intent = _stripe.v1.payment_intents.create(
        params={
            "amount": 2994,
            "currency": "cad",
            "payment_method_types": ["card"],
            "metadata": {"order_id": body["order_id"], "order_number": "VT-BENCH000"},
        },
        options={"idempotency_key": f"checkout-order-{body['order_id']}-intent-1"},
    )
    return {"id": intent.id, "client_secret": intent.client_secret or ""}


@app.post("/intents/{intent_id}/confirm")
def confirm_intent(intent_id: str, body: dict[str, str]) -> dict[str, str]:
    _stripe.v1.payment_intents.update(intent_id, params={"payment_method": body["payment_method"]})
    return {"status": _stripe.v1.payment_intents.confirm(intent_id).status}
