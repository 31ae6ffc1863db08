"""Products, variants and stock, and the rules about them. No I/O here."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from vitrine_shared.problems import Conflict, Unprocessable

HygieneClass = Literal["standard", "sealed_hygiene", "cleanable"]
HYGIENE_CLASSES: tuple[str, ...] = ("standard", "sealed_hygiene", "cleanable")
CURRENCIES: tuple[str, ...] = ("CAD", "USD", "EUR")
SKU_PATTERN = r"^[A-Z0-9][A-Z0-9-]{2,47}$"
CATEGORY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,49}$"
_SKU = re.compile(SKU_PATTERN)

# Colours are stored as a code; shoppers read them in their language, and search knows both names.
COLOURS: dict[str, dict[str, str]] = {
    "black": {"fr": "noir", "en": "black"},
    "white": {"fr": "blanc", "en": "white"},
    "navy": {"fr": "marine", "en": "navy"},
    "red": {"fr": "rouge", "en": "red"},
    "green": {"fr": "vert", "en": "green"},
    "beige": {"fr": "beige", "en": "beige"},
    "grey": {"fr": "gris", "en": "grey"},
    "blue": {"fr": "bleu", "en": "blue"},
    "pink": {"fr": "rose", "en": "pink"},
    "yellow": {"fr": "jaune", "en": "yellow"},
    "brown": {"fr": "brun", "en": "brown"},
}


def colour_names(colour: str) -> dict[str, str]:
    return COLOURS.get(colour, {"fr": colour, "en": colour})


SANITIZATION_METHODS: dict[str, dict[str, str]] = {
    "steam": {"fr": "vapeur", "en": "steam"},
    "uv_c": {"fr": "UV-C", "en": "UV-C"},
    "ozone": {"fr": "ozone", "en": "ozone"},
    "disinfectant": {"fr": "désinfectant", "en": "disinfectant"},
    "none": {"fr": "aucune", "en": "none"},
}


def check_sku(sku: str, field_name: str = "sku") -> str:
    if not _SKU.match(sku):
        raise Unprocessable(field_name, "a SKU is 3-48 characters: capital letters, digits and hyphens")
    return sku


@dataclass
class Variant:
    sku: str
    product_id: uuid.UUID
    size: str | None = None
    colour: str | None = None
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def adjust(self, delta: int) -> None:
        """A counted correction by staff; it may never leave less on hand than is promised."""
        if delta == 0:
            raise Unprocessable("delta", "an adjustment changes the stock by at least one unit")
        if self.on_hand + delta < self.reserved:
            raise Conflict(
                f"Adjusting {self.sku} by {delta} would leave {self.on_hand + delta} on hand "
                f"for {self.reserved} reserved.",
                sku=self.sku,
                on_hand=self.on_hand,
                reserved=self.reserved,
            )
        self.on_hand += delta


@dataclass
class Product:
    sku: str
    name_fr: str
    name_en: str
    brand: str
    price_minor: int
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    description_fr: str = ""
    description_en: str = ""
    categories: list[str] = field(default_factory=list)
    currency: str = "CAD"
    images: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    hygiene_class: str = "standard"
    consult_available: bool = False
    final_sale: bool = False
    archived: bool = False
    revision: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    variants: list[Variant] = field(default_factory=list)

    def variant(self, sku: str) -> Variant | None:
        return next((variant for variant in self.variants if variant.sku == sku), None)

    @property
    def available(self) -> int:
        return sum(max(variant.available, 0) for variant in self.variants)


def returned_unit_notice(sanitized_at: datetime, method: str, certificate_id: str) -> dict[str, str]:
    """What a shopper reads about a returned, sanitized unit, in both languages."""
    labels = SANITIZATION_METHODS.get(method, {"fr": method, "en": method})
    day = sanitized_at.date().isoformat()
    return {
        "fr": f"Article retourné, assaini le {day} par {labels['fr']}, certificat {certificate_id}",
        "en": f"Returned item, sanitized on {day} by {labels['en']}, certificate {certificate_id}",
    }
