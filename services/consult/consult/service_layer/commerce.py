"""In-call commerce and what follows the call: product cards pushed to the shopper, lines added
to the shopper's cart through checkout, orders attributed to the call, notes and ratings."""

import re
import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from consult.adapters.changefeed import notify
from consult.adapters.orm import attributions, recordings, session_notes, shared_products
from consult.domain.session import CallSession, Role, SessionStatus
from consult.service_layer.sessions import remove_files, topic
from consult.service_layer.unit_of_work import ConsultUnitOfWork
from vitrine_shared.auth.capabilities import capability_digest
from vitrine_shared.auth.principal import Principal
from vitrine_shared.auth.principal import Role as AuthRole
from vitrine_shared.events.contracts import BookingCancelled, OrderPaid, ProductShared
from vitrine_shared.problems import Forbidden, IllegalTransition, NotFound, Unprocessable

_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class Catalog(Protocol):
    def search(self, query: str, *, per_page: int = 12) -> dict[str, Any]: ...
    def variant(self, sku: str) -> dict[str, Any]: ...


class Checkout(Protocol):
    def attach_session(self, cart_id: uuid.UUID, cart_token: str, session_id: uuid.UUID) -> None: ...
    def add_line(self, cart_id: uuid.UUID, sku: str, quantity: int) -> dict[str, Any]: ...


def check_sku(sku: Any) -> str:
    if not isinstance(sku, str) or not _SKU.match(sku):
        raise Unprocessable("sku", "not a SKU")
    return sku


def participant(
    uow: ConsultUnitOfWork, session_id: uuid.UUID, *, shopper_token: str | None, principal: Principal | None
) -> tuple[CallSession, Role]:
    """The session's shopper (their token) or its assigned advisor; anyone else is refused."""
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            raise NotFound("No such session.")
        if shopper_token is not None:
            if capability_digest(shopper_token) != call.shopper_token_digest:
                raise NotFound("No session with this id and token.")
            return call, Role.SHOPPER
        advisor = uow.advisors.get(call.advisor_id)
        if principal is not None and advisor is not None and str(advisor.staff_id) == principal.subject:
            return call, Role.ADVISOR
        raise Forbidden("Only the session's shopper and its assigned advisor may do this.")


def staff_may_read(uow: ConsultUnitOfWork, session_id: uuid.UUID, principal: Principal) -> CallSession:
    """Notes and summaries: the session's advisor, or ops and admin."""
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            raise NotFound("No such session.")
        if principal.has_any_role(frozenset({AuthRole.OPS})):
            return call
        advisor = uow.advisors.get(call.advisor_id)
        if advisor is None or str(advisor.staff_id) != principal.subject:
            raise Forbidden("Only the session's advisor (or ops) reads its notes.")
        return call


def product_card(variant: dict[str, Any]) -> dict[str, Any]:
    keys = ("sku", "product_id", "product_sku", "name", "size", "colour", "price_minor", "currency", "available")
    return {key: variant.get(key) for key in keys}


def share_product(uow: ConsultUnitOfWork, catalog: Catalog, session_id: uuid.UUID, sku: str) -> dict[str, Any]:
    """The advisor pushes a product card to the shopper's screen (over the signaling socket)."""
    sku = check_sku(sku)
    variant = catalog.variant(sku)  # 404 from catalog becomes our 404
    if variant.get("archived"):
        raise IllegalTransition("This product is archived.", current_state="archived")
    card = product_card(variant)
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            raise NotFound("No such session.")
        if call.status == SessionStatus.ENDED:
            raise IllegalTransition("This call has ended.", current_state=call.status)
        product_id = uuid.UUID(str(variant["product_id"]))
        uow.session.execute(
            insert(shared_products).values(id=uuid.uuid4(), session_id=call.id, sku=sku, product_id=product_id)
        )
        uow.sessions.append_message(call.id, Role.ADVISOR, Role.SHOPPER, "product", {"card": card})
        uow.publish(ProductShared(session_id=call.id, advisor_id=call.advisor_id, product_id=product_id, sku=sku))
        notify(uow.session, topic(call.id))
        uow.commit()
    return card


def attach_cart(
    uow: ConsultUnitOfWork, checkout: Checkout, session_id: uuid.UUID, *, cart_id: uuid.UUID, cart_token: str
) -> None:
    """The shopper lends the call their cart: checkout checks the cart token and records the
    session on the cart (so an order is attributed); consult remembers the cart."""
    checkout.attach_session(cart_id, cart_token, session_id)
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None:
            raise NotFound("No such session.")
        call.cart_id = cart_id
        uow.commit()


def add_to_cart(
    uow: ConsultUnitOfWork, checkout: Checkout, session_id: uuid.UUID, *, sku: str, quantity: int
) -> dict[str, Any]:
    sku = check_sku(sku)
    if not 1 <= quantity <= 20:
        raise Unprocessable("quantity", "between 1 and 20")
    with uow:
        call = uow.sessions.get(session_id)
        if call is None:
            raise NotFound("No such session.")
        if call.cart_id is None:
            raise IllegalTransition("The shopper has not shared a cart with this call yet.", current_state="no-cart")
        cart_id = call.cart_id
    cart = checkout.add_line(cart_id, sku, quantity)
    with uow:
        uow.session.execute(
            update(shared_products)
            .where(shared_products.c.session_id == session_id, shared_products.c.sku == sku)
            .values(added_to_cart=True)
        )
        uow.sessions.append_message(session_id, "server", Role.SHOPPER, "cart", {"sku": sku, "quantity": quantity})
        uow.sessions.append_message(session_id, "server", Role.ADVISOR, "cart", {"sku": sku, "quantity": quantity})
        notify(uow.session, topic(session_id))
        uow.commit()
    return cart


def on_order_paid(event: OrderPaid, uow: ConsultUnitOfWork) -> None:
    """Consumer handler: an order paid from a cart that carried a call is that call's conversion."""
    if event.consult_session_id is None:
        return
    call = uow.sessions.get(event.consult_session_id)
    uow.session.execute(
        pg_insert(attributions)
        .values(
            order_id=event.order_id,
            order_number=event.order_number,
            session_id=event.consult_session_id,
            advisor_id=call.advisor_id if call else None,
            total_minor=event.total_minor,
            currency=event.currency,
            paid_at=event.paid_at,
        )
        .on_conflict_do_nothing()
    )


def conversion(uow: ConsultUnitOfWork, *, advisor_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """Per advisor: calls held, calls that led to an order, orders, revenue (per currency)."""
    with uow:
        calls = (
            select(CallSession.advisor_id, func.count().label("calls"))  # type: ignore[arg-type]
            .where(CallSession.started_at.is_not(None))  # type: ignore[attr-defined]
            .group_by(CallSession.advisor_id)  # type: ignore[arg-type]
        )
        if advisor_id:
            calls = calls.where(CallSession.advisor_id == advisor_id)  # type: ignore[arg-type]
        held = {row.advisor_id: row.calls for row in uow.session.execute(calls)}
        orders = select(
            attributions.c.advisor_id,
            attributions.c.currency,
            func.count().label("orders"),
            func.count(func.distinct(attributions.c.session_id)).label("converted_calls"),
            func.sum(attributions.c.total_minor).label("revenue_minor"),
        ).group_by(attributions.c.advisor_id, attributions.c.currency)
        if advisor_id:
            orders = orders.where(attributions.c.advisor_id == advisor_id)
        sold = {row.advisor_id: row for row in uow.session.execute(orders)}
        result = []
        for advisor in sorted(set(held) | {k for k in sold if k}, key=str):
            row = sold.get(advisor)
            count = held.get(advisor, 0)
            converted = row.converted_calls if row else 0
            result.append(
                {
                    "advisor_id": advisor,
                    "calls": count,
                    "converted_calls": converted,
                    "conversion_rate": round(converted / count, 4) if count else None,
                    "orders": row.orders if row else 0,
                    "revenue_minor": int(row.revenue_minor) if row else 0,
                    "currency": row.currency if row else "CAD",
                }
            )
        return result


def session_summary(uow: ConsultUnitOfWork, session_id: uuid.UUID) -> dict[str, Any]:
    with uow:
        orders = uow.session.execute(select(attributions).where(attributions.c.session_id == session_id)).all()
        shared = uow.session.execute(
            select(shared_products.c.sku, shared_products.c.added_to_cart).where(
                shared_products.c.session_id == session_id
            )
        ).all()
        return {
            "orders": [
                {"order_number": o.order_number, "total_minor": o.total_minor, "currency": o.currency} for o in orders
            ],
            "products_shared": [{"sku": s.sku, "added_to_cart": s.added_to_cart} for s in shared],
            "revenue_minor": sum(o.total_minor for o in orders),
        }


def add_note(
    uow: ConsultUnitOfWork, session_id: uuid.UUID, principal: Principal, *, text: str, tags: list[str]
) -> dict[str, Any]:
    staff_may_read(uow, session_id, principal)
    if not text.strip():
        raise Unprocessable("text", "a note has some text")
    for tag in tags:
        if not _TAG.match(tag):
            raise Unprocessable("tags", f"'{tag[:40]}' is not a tag (lowercase, digits, dashes)")
    note = {
        "id": uuid.uuid4(),
        "session_id": session_id,
        "author": principal.subject,
        "text": text.strip(),
        "tags": sorted(set(tags)),
        "created_at": datetime.now(UTC),
    }
    with uow:
        uow.session.execute(insert(session_notes).values(**note))
        uow.commit()
    return note


def list_notes(uow: ConsultUnitOfWork, session_id: uuid.UUID, principal: Principal) -> list[dict[str, Any]]:
    staff_may_read(uow, session_id, principal)
    with uow:
        rows = uow.session.execute(
            select(session_notes).where(session_notes.c.session_id == session_id).order_by(session_notes.c.created_at)
        ).all()
        return [dict(row._mapping) for row in rows]


def rate(uow: ConsultUnitOfWork, session_id: uuid.UUID, token: str, *, rating: int, comment: str | None) -> None:
    """The shopper rates their call once it has ended (again to change their mind)."""
    if not 1 <= rating <= 5:
        raise Unprocessable("rating", "from 1 to 5")
    with uow:
        call = uow.sessions.get(session_id, for_update=True)
        if call is None or capability_digest(token) != call.shopper_token_digest:
            raise NotFound("No session with this id and token.")
        if call.status != SessionStatus.ENDED:
            raise IllegalTransition("A call is rated once it has ended.", current_state=call.status)
        call.rating = rating
        call.rating_comment = (comment or "").strip()[:2000] or None
        uow.commit()


def erase_shopper_data(
    uow: ConsultUnitOfWork, *, booking_id: uuid.UUID | None = None, session_id: uuid.UUID | None = None, token: str
) -> int:
    """The shopper's right to be forgotten: their contact details on the booking, the advisor's
    notes about their calls, and the recordings go; a booking still to come is cancelled first
    (with its event). Returns how many recording files were removed."""
    digest = capability_digest(token)
    with uow:
        session_ids: list[uuid.UUID] = []
        if booking_id is not None:
            booking = uow.bookings.by_token(booking_id, digest, for_update=True)
            if booking is None:
                raise NotFound("No booking with this id and token.")
            if booking.status == "confirmed" and booking.starts_at > datetime.now(UTC):
                booking.cancel("shopper-erased")
                uow.publish(BookingCancelled(booking_id=booking.id, reason="shopper-erased"))
            booking.shopper_name = "-"
            booking.shopper_email = "erased@invalid"
            booking.shopper_phone = None
            call = uow.sessions.by_booking(booking.id)
            if call is not None:
                session_ids.append(call.id)
        if session_id is not None:
            call = uow.sessions.get(session_id)
            if call is None or call.shopper_token_digest != digest:
                raise NotFound("No session with this id and token.")
            session_ids.append(call.id)
        for sid in session_ids:
            uow.session.execute(delete(session_notes).where(session_notes.c.session_id == sid))
        paths = [
            row.path
            for sid in session_ids
            for row in uow.session.execute(
                delete(recordings).where(recordings.c.session_id == sid).returning(recordings.c.path)
            )
        ]
        uow.commit()
    remove_files(paths)
    return len(paths)
