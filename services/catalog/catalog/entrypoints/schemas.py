"""Request and response shapes of the catalog API (and of the bulk import's rows)."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from catalog.domain.model import CATEGORY_PATTERN, SKU_PATTERN, Product, Variant

Sku = Annotated[str, StringConstraints(pattern=SKU_PATTERN)]
Category = Annotated[str, StringConstraints(pattern=CATEGORY_PATTERN)]
Currency = Literal["CAD", "USD", "EUR"]
HygieneClass = Literal["standard", "sealed_hygiene", "cleanable"]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ImageUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]{1,2000}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Localized(_Strict):
    fr: ShortText
    en: ShortText


class LocalizedLong(_Strict):
    fr: Annotated[str, StringConstraints(max_length=5000)] = ""
    en: Annotated[str, StringConstraints(max_length=5000)] = ""


class VariantCreate(_Strict):
    sku: Sku
    size: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = None
    colour: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] | None = None
    on_hand: int = Field(default=0, ge=0, le=1_000_000)

    def to_domain(self) -> Variant:
        return Variant(
            sku=self.sku, product_id=uuid.UUID(int=0), size=self.size, colour=self.colour, on_hand=self.on_hand
        )


class ProductCreate(_Strict):
    sku: Sku
    name: Localized
    description: LocalizedLong = LocalizedLong()
    brand: ShortText
    categories: list[Category] = Field(min_length=1, max_length=10)
    price_minor: int = Field(ge=0, le=100_000_000)
    currency: Currency = "CAD"
    images: list[ImageUrl] = Field(default_factory=list, max_length=20)
    attributes: dict[Annotated[str, StringConstraints(max_length=50)], Any] = Field(default_factory=dict, max_length=50)
    hygiene_class: HygieneClass = "standard"
    consult_available: bool = False
    final_sale: bool = False
    variants: list[VariantCreate] = Field(min_length=1, max_length=100)

    @field_validator("attributes")
    @classmethod
    def _small_attribute_values(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, item in value.items():
            if not isinstance(item, str | int | float | bool) or len(str(item)) > 500:
                raise ValueError(f"attribute {key!r} must be a short string, number or boolean")
        return value

    def to_domain(self) -> Product:
        product = Product(
            sku=self.sku,
            name_fr=self.name.fr,
            name_en=self.name.en,
            description_fr=self.description.fr,
            description_en=self.description.en,
            brand=self.brand,
            categories=list(dict.fromkeys(self.categories)),
            price_minor=self.price_minor,
            currency=self.currency,
            images=list(self.images),
            attributes=dict(self.attributes),
            hygiene_class=self.hygiene_class,
            consult_available=self.consult_available,
            final_sale=self.final_sale,
        )
        product.variants = [variant.to_domain() for variant in self.variants]
        for variant in product.variants:
            variant.product_id = product.id
        return product


class ProductUpdate(_Strict):
    name: Localized | None = None
    description: LocalizedLong | None = None
    brand: ShortText | None = None
    categories: list[Category] | None = Field(default=None, min_length=1, max_length=10)
    price_minor: int | None = Field(default=None, ge=0, le=100_000_000)
    currency: Currency | None = None
    images: list[ImageUrl] | None = Field(default=None, max_length=20)
    attributes: dict[str, Any] | None = Field(default=None, max_length=50)
    hygiene_class: HygieneClass | None = None
    consult_available: bool | None = None
    final_sale: bool | None = None
    variants: list[VariantCreate] = Field(default_factory=list, max_length=100)

    def changes(self) -> dict[str, Any]:
        given = self.model_dump(exclude_unset=True, exclude={"variants"})
        changes: dict[str, Any] = {}
        for name, value in given.items():
            if value is None:
                continue
            if name == "name":
                changes |= {"name_fr": value["fr"], "name_en": value["en"]}
            elif name == "description":
                changes |= {"description_fr": value["fr"], "description_en": value["en"]}
            else:
                changes[name] = value
        return changes


class StockAdjustmentCreate(_Strict):
    delta: int = Field(ge=-1_000_000, le=1_000_000)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]


class ReservationLine(_Strict):
    sku: Sku
    quantity: int = Field(ge=1, le=1000)


class ReservationCreate(_Strict):
    reservation_id: uuid.UUID
    lines: list[ReservationLine] = Field(min_length=1, max_length=100)
    ttl_seconds: int = Field(default=900, ge=30, le=86_400)


class ReservationPublic(BaseModel):
    reservation_id: uuid.UUID
    status: str
    expires_at: datetime
    lines: list[dict[str, Any]]


class VariantPublic(BaseModel):
    sku: str
    product_id: uuid.UUID
    product_sku: str
    name: dict[str, str]
    size: str | None
    colour: str | None
    price_minor: int
    currency: str
    available: int
    hygiene_class: str
    final_sale: bool
    consult_available: bool
    archived: bool
    categories: list[str] = []  # the product's, main category first (checkout names it on order lines)


def product_public(product: Product, returned_units: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    units = returned_units or {}
    return {
        "id": str(product.id),
        "sku": product.sku,
        "name": {"fr": product.name_fr, "en": product.name_en},
        "description": {"fr": product.description_fr, "en": product.description_en},
        "brand": product.brand,
        "categories": product.categories,
        "price_minor": product.price_minor,
        "currency": product.currency,
        "images": product.images,
        "attributes": product.attributes,
        "hygiene_class": product.hygiene_class,
        "consult_available": product.consult_available,
        "final_sale": product.final_sale,
        "archived": product.archived,
        "available": product.available,
        "revision": product.revision,
        "created_at": product.created_at.isoformat() if product.created_at else None,
        "updated_at": product.updated_at.isoformat() if product.updated_at else None,
        "variants": [
            {
                "sku": variant.sku,
                "size": variant.size,
                "colour": variant.colour,
                "available": max(variant.available, 0),
                "returned_units": [
                    {**unit, "sanitized_at": unit["sanitized_at"].isoformat()} for unit in units.get(variant.sku, [])
                ],
            }
            for variant in product.variants
        ],
    }
