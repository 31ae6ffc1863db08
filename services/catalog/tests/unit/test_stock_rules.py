import uuid
from datetime import UTC, datetime

import pytest

from catalog.domain.model import Variant, check_sku, returned_unit_notice
from vitrine_shared.problems import Conflict, Unprocessable


def variant(on_hand: int, reserved: int) -> Variant:
    return Variant(sku="ABC-1", product_id=uuid.uuid4(), on_hand=on_hand, reserved=reserved)


def test_adjustment_may_not_leave_less_on_hand_than_reserved() -> None:
    held = variant(5, 3)
    held.adjust(-2)
    assert (held.on_hand, held.available) == (3, 0)
    with pytest.raises(Conflict):
        held.adjust(-1)
    with pytest.raises(Unprocessable):
        held.adjust(0)


def test_sku_shape() -> None:
    assert check_sku("VT-ROBE-0001") == "VT-ROBE-0001"
    for bad in ("ab", "has space", "lower-case", "X" * 49, "-LEADING"):
        with pytest.raises(Unprocessable):
            check_sku(bad)


def test_returned_unit_notice_in_both_languages() -> None:
    notice = returned_unit_notice(datetime(2026, 3, 4, tzinfo=UTC), "uv_c", "C-9")
    assert notice["fr"] == "Article retourné, assaini le 2026-03-04 par UV-C, certificat C-9"
    assert notice["en"] == "Returned item, sanitized on 2026-03-04 by UV-C, certificate C-9"
