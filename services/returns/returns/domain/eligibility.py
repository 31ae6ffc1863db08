"""What a shopper may send back: the return window, quantities left, final sale, sealed hygiene."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from returns.domain.model import PREFERENCES, REASON_CODES, Order, OrderLine
from returns.domain.policy import ReturnsPolicy
from vitrine_shared.problems import Conflict, Unprocessable

REFUSAL_TEXT: dict[str, dict[str, str]] = {
    "final_sale": {"fr": "Article en vente finale : non retournable.", "en": "Final sale item: not returnable."},
    "window_closed": {
        "fr": "Le délai de retour est dépassé.",
        "en": "The return window has closed.",
    },
    "all_returned": {"fr": "Déjà entièrement retourné.", "en": "Already fully returned."},
    "sealed_hygiene": {
        "fr": "Article d'hygiène scellé : retournable seulement si le sceau est intact.",
        "en": "Sealed hygiene item: returnable only with the seal intact.",
    },
}


@dataclass(frozen=True)
class LineEligibility:
    line: OrderLine
    returnable_quantity: int
    refusal: str | None  # a key of REFUSAL_TEXT when nothing can be returned
    needs_intact_seal: bool


@dataclass(frozen=True)
class RequestedLine:
    line_no: int
    quantity: int
    reason_code: str
    seal_intact: bool | None = None


def window_closes_at(order: Order, policy: ReturnsPolicy) -> datetime:
    return order.paid_at + policy.return_window


def line_eligibility(
    order: Order, already_returned: Mapping[int, int], now: datetime, policy: ReturnsPolicy
) -> list[LineEligibility]:
    window_open = now <= window_closes_at(order, policy)
    result = []
    for line in sorted(order.lines, key=lambda line: line.line_no):
        left = max(line.quantity - already_returned.get(line.line_no, 0), 0)
        refusal = None
        if line.final_sale:
            refusal = "final_sale"
        elif not window_open:
            refusal = "window_closed"
        elif left == 0:
            refusal = "all_returned"
        result.append(
            LineEligibility(
                line=line,
                returnable_quantity=0 if refusal else left,
                refusal=refusal,
                needs_intact_seal=line.hygiene_class == "sealed_hygiene",
            )
        )
    return result


def check_request(
    order: Order,
    requested: Sequence[RequestedLine],
    *,
    preference: str,
    already_returned: Mapping[int, int],
    now: datetime,
    policy: ReturnsPolicy,
) -> None:
    """Raise a problem naming the first field that makes this request impossible."""
    if preference not in PREFERENCES:
        raise Unprocessable("preference", f"one of {', '.join(PREFERENCES)}")
    if not requested:
        raise Unprocessable("lines", "choose at least one line")
    if now > window_closes_at(order, policy):
        raise Conflict(
            f"The return window of order {order.order_number} closed on {window_closes_at(order, policy).date()}.",
            reason="window_closed",
            message=REFUSAL_TEXT["window_closed"],
        )
    eligibility = {entry.line.line_no: entry for entry in line_eligibility(order, already_returned, now, policy)}
    seen: set[int] = set()
    for index, wanted in enumerate(requested):
        field = f"lines[{index}]"
        entry = eligibility.get(wanted.line_no)
        if entry is None:
            raise Unprocessable(f"{field}.line_no", "no such line in this order")
        if wanted.line_no in seen:
            raise Unprocessable(f"{field}.line_no", "this line is listed twice")
        seen.add(wanted.line_no)
        if wanted.reason_code not in REASON_CODES:
            raise Unprocessable(f"{field}.reason_code", f"one of {', '.join(REASON_CODES)}")
        if wanted.quantity < 1:
            raise Unprocessable(f"{field}.quantity", "at least 1")
        if entry.refusal == "final_sale":
            raise Unprocessable(f"{field}.line_no", REFUSAL_TEXT["final_sale"]["en"])
        if wanted.quantity > entry.returnable_quantity:
            raise Unprocessable(
                f"{field}.quantity", f"at most {entry.returnable_quantity} of {entry.line.sku} can still be returned"
            )
        if entry.needs_intact_seal and wanted.seal_intact is not True:
            raise Unprocessable(f"{field}.seal_intact", REFUSAL_TEXT["sealed_hygiene"]["en"])
