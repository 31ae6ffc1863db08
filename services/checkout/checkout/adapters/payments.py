"""Payments: a port (what checkout needs from a payment processor) and its Stripe adapter.

The adapter uses a `StripeClient` object (no global module state). Its API base comes from the
settings: empty means Stripe itself (production); in development it points at localstripe. Nothing
here depends on which one answers: idempotency keys are always sent (Stripe honours them), and our
own checks (amounts, one refund per return) hold whether or not the server enforces anything.
"""

from dataclasses import dataclass
from typing import Any, Protocol

import stripe

from vitrine_shared.problems import BadRequest, ServiceUnavailable


@dataclass(frozen=True)
class Intent:
    id: str
    status: str  # requires_payment_method, requires_confirmation, requires_action, processing, succeeded, canceled
    amount_minor: int
    currency: str
    client_secret: str | None
    metadata: dict[str, str]
    error: str | None  # why the last attempt failed, if it did


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str
    amount_minor: int


class CardDeclined(Exception):
    def __init__(self, reason: str, intent_id: str | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.intent_id = intent_id


class PaymentObjectNotFound(Exception):
    """The processor does not know the object (an intent of another account, a typo)."""


class IntentNotConfirmable(Exception):
    """The processor refused to confirm: the intent is no longer waiting for a card (paid from the
    browser meanwhile, cancelled...). Read it again to know what it is."""


class InvalidWebhook(BadRequest):
    slug, title = "invalid-webhook", "Invalid webhook"


class PaymentGateway(Protocol):
    def create_intent(
        self,
        *,
        amount_minor: int,
        currency: str,
        metadata: dict[str, str],
        idempotency_key: str,
        payment_method: str | None = None,
    ) -> Intent:
        """With a payment method the intent is confirmed at once (CardDeclined on a decline)."""
        ...

    def retrieve_intent(self, intent_id: str) -> Intent: ...

    def confirm_intent(self, intent_id: str, *, payment_method: str) -> Intent:
        """Attach the payment method and confirm; CardDeclined on a decline, IntentNotConfirmable
        when the intent is not waiting for a card."""
        ...

    def cancel_intent(self, intent_id: str) -> None: ...

    def refund(
        self, *, intent_id: str, amount_minor: int, idempotency_key: str, metadata: dict[str, str]
    ) -> RefundResult: ...

    def refunds_for(self, intent_id: str) -> list[tuple[RefundResult, dict[str, str]]]: ...

    def verify_webhook(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        """The event, or InvalidWebhook when the signature, its age or the body is wrong."""
        ...


def _plain(obj: Any) -> dict[str, Any]:
    """Stripe objects are not dicts (stripe-python 12+): read them as plain data."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _intent(stripe_obj: Any) -> Intent:
    obj = _plain(stripe_obj)
    error = obj.get("last_payment_error")
    return Intent(
        id=obj["id"],
        status=obj["status"],
        amount_minor=int(obj["amount"]),
        currency=str(obj["currency"]).upper(),
        client_secret=obj.get("client_secret"),
        metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
        error=(error.get("message") or error.get("code")) if error else None,
    )


class StripeGateway:
    WEBHOOK_TOLERANCE_S = 300

    def __init__(self, *, api_key: str, api_base: str, webhook_secret: str) -> None:
        options: dict[str, Any] = {"max_network_retries": 0 if api_base else 2}
        if api_base:
            options["base_addresses"] = {"api": api_base}
        # Retries only against Stripe itself, which honours idempotency keys; a server that
        # ignores them (localstripe) would turn a retried create into a duplicate.
        self._client = stripe.StripeClient(api_key, **options)
        self._webhook_secret = webhook_secret

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except stripe.CardError as exc:
            raise CardDeclined(exc.user_message or exc.code or "card declined", _intent_id_of(exc)) from exc
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise ServiceUnavailable("The payment processor did not answer; try again.") from exc
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                raise PaymentObjectNotFound(str(exc)) from exc
            raise
        except stripe.StripeError as exc:
            if (exc.http_status or 500) >= 500:
                raise ServiceUnavailable("The payment processor failed; try again.") from exc
            raise

    def create_intent(
        self,
        *,
        amount_minor: int,
        currency: str,
        metadata: dict[str, str],
        idempotency_key: str,
        payment_method: str | None = None,
    ) -> Intent:
        params: dict[str, Any] = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "payment_method_types": ["card"],
            "metadata": metadata,
        }
        if payment_method:
            params.update(payment_method=payment_method, confirm=True)
        obj = self._call(
            self._client.v1.payment_intents.create, params=params, options={"idempotency_key": idempotency_key}
        )
        return _intent(obj)

    def retrieve_intent(self, intent_id: str) -> Intent:
        return _intent(self._call(self._client.v1.payment_intents.retrieve, intent_id))

    def confirm_intent(self, intent_id: str, *, payment_method: str) -> Intent:
        # Attach then confirm, two calls: both Stripe and localstripe accept this form.
        try:
            self._call(self._client.v1.payment_intents.update, intent_id, params={"payment_method": payment_method})
            return _intent(self._call(self._client.v1.payment_intents.confirm, intent_id))
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 400:  # e.g. "cannot update a PaymentIntent whose status is succeeded"
                raise IntentNotConfirmable(str(exc)) from exc
            raise

    def cancel_intent(self, intent_id: str) -> None:
        self._call(self._client.v1.payment_intents.cancel, intent_id)

    def refund(
        self, *, intent_id: str, amount_minor: int, idempotency_key: str, metadata: dict[str, str]
    ) -> RefundResult:
        obj = self._call(
            self._client.v1.refunds.create,
            params={"payment_intent": intent_id, "amount": amount_minor, "metadata": metadata},
            options={"idempotency_key": idempotency_key},
        )
        obj = _plain(obj)
        return RefundResult(id=obj["id"], status=obj["status"], amount_minor=int(obj["amount"]))

    def refunds_for(self, intent_id: str) -> list[tuple[RefundResult, dict[str, str]]]:
        listed = self._call(self._client.v1.refunds.list, params={"payment_intent": intent_id, "limit": 100})
        return [
            (
                RefundResult(id=obj["id"], status=obj["status"], amount_minor=int(obj["amount"])),
                {str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
            )
            for obj in (_plain(item) for item in listed.data)
        ]

    def verify_webhook(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        if not signature:
            raise InvalidWebhook("The Stripe-Signature header is missing.")
        try:
            event = self._client.construct_event(
                payload, signature, self._webhook_secret, tolerance=self.WEBHOOK_TOLERANCE_S
            )
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(
                "The Stripe-Signature does not verify (wrong secret, altered body or too old)."
            ) from exc
        except ValueError as exc:
            raise InvalidWebhook("The webhook body is not a Stripe event.") from exc
        return _plain(event)


def _intent_id_of(exc: stripe.StripeError) -> str | None:
    error = getattr(exc, "error", None)
    intent = getattr(error, "payment_intent", None) if error is not None else None
    if intent is None:
        return None
    return intent.get("id") if hasattr(intent, "get") else getattr(intent, "id", None)
