"""The analysed words of a product, as its search document carries them. They are worked out
once, when the product is written, rather than each time it is indexed: the language work is the
costly part of a document, and a product is indexed far more often (every stock move) than its
text changes."""

from dataclasses import asdict, dataclass

from catalog.domain.model import Product, colour_names
from catalog.domain.text import analyzed, completion_words, folded


@dataclass(frozen=True)
class SearchWords:
    name_fr_stem: str
    name_en_stem: str
    text_fr_stem: str
    text_en_stem: str
    folded: str
    suggest: str
    name_keys: list[str]
    name_words: list[str]

    def as_row(self) -> dict[str, str | list[str]]:
        return asdict(self)


SEARCH_WORD_FIELDS: tuple[str, ...] = tuple(SearchWords.__dataclass_fields__)


def search_words(product: Product) -> SearchWords:
    """From the product as stored, variants included: their colours are searchable in both
    languages ("robe rouge", "red dress")."""
    names = f"{product.name_fr} {product.name_en}"
    attributes = " ".join(str(value) for value in product.attributes.values())
    colours = sorted({variant.colour for variant in product.variants if variant.colour})
    colour_words = " ".join(" ".join(colour_names(colour).values()) for colour in colours)
    tail = f"{product.brand} {' '.join(product.categories)} {colour_words} {attributes}"
    return SearchWords(
        name_fr_stem=analyzed(product.name_fr, "fr"),
        name_en_stem=analyzed(product.name_en, "en"),
        text_fr_stem=analyzed(f"{product.description_fr} {tail}", "fr"),
        text_en_stem=analyzed(f"{product.description_en} {tail}", "en"),
        folded=folded(f"{names} {product.brand}"),
        suggest=folded(names),
        name_keys=[folded(product.name_fr), folded(product.name_en)],
        name_words=completion_words(names),
    )
