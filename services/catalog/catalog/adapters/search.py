"""Elasticsearch: the index layout, documents, queries. The server's major version must equal the
client's (8). Only core features are used (see docs/elasticsearch.md): the language work is done
by `catalog.domain.text` before anything reaches the index or the query."""

import json
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from catalog.domain.text import Language, analyzed, folded, words

ALIAS = "catalog-products"

# One edit for words of five letters or more, none below (the usual AUTO would allow one at 3).
FUZZINESS = "AUTO:5,100"

PRICE_RANGES: list[dict[str, Any]] = [
    {"key": "0-25", "to": 2500},
    {"key": "25-50", "from": 2500, "to": 5000},
    {"key": "50-100", "from": 5000, "to": 10000},
    {"key": "100-200", "from": 10000, "to": 20000},
    {"key": "200+", "from": 20000},
]

_PREPARED_TEXT = {"type": "text", "analyzer": "standard", "norms": True}

INDEX_BODY: dict[str, Any] = {
    "settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "1s"},
    "mappings": {
        "dynamic": "strict",
        # The analysed fields serve matching only; the stored source is what the API shows.
        "_source": {
            "excludes": [
                "name_fr_stem",
                "name_en_stem",
                "text_fr_stem",
                "text_en_stem",
                "folded",
                "suggest",
                "name_keys",
            ]
        },
        "properties": {
            "id": {"type": "keyword"},
            "sku": {"type": "keyword"},
            "variant_skus": {"type": "keyword"},
            "name_fr": {"type": "text", "analyzer": "standard"},
            "name_en": {"type": "text", "analyzer": "standard"},
            "name_fr_stem": _PREPARED_TEXT,
            "name_en_stem": _PREPARED_TEXT,
            "text_fr_stem": _PREPARED_TEXT,
            "text_en_stem": _PREPARED_TEXT,
            "folded": _PREPARED_TEXT,
            "suggest": {**_PREPARED_TEXT, "index_prefixes": {"min_chars": 1, "max_chars": 12}},
            "name_keys": {"type": "keyword"},
            # "folded|shown" pairs of the names' words, for word completions ("chau" -> chaussures).
            "name_words": {"type": "keyword"},
            "brand": {"type": "keyword"},
            "categories": {"type": "keyword"},
            "sizes": {"type": "keyword"},
            "colours": {"type": "keyword"},
            "price_minor": {"type": "long"},
            "currency": {"type": "keyword"},
            "available": {"type": "integer"},
            "in_stock": {"type": "boolean"},
            "consult_available": {"type": "boolean"},
            "hygiene_class": {"type": "keyword"},
            "final_sale": {"type": "boolean"},
            "archived": {"type": "boolean"},
            "image": {"type": "keyword", "index": False},
            "revision": {"type": "integer"},
            "created_at": {"type": "date"},
            "updated_at": {"type": "date"},
        },
    },
}


def make_search_client(url: str, timeout: float = 5) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


def check_search(client: Elasticsearch) -> None:
    # `GET /` is absent from the local distribution; cluster health exists everywhere.
    health = client.cluster.health(timeout="2s")
    if health["status"] == "red":
        raise RuntimeError("cluster health is red")


# A product's search document, assembled by PostgreSQL from its row, its variants and its
# analysed words (catalog.domain.search_words), as JSON text the indexer sends untouched: the
# database does in C what Python would do per field. `json`, not `jsonb`: nothing here is
# queried, and the binary form would cost a parse. COLLATE "C" sorts as Python does.
_DOCUMENT_COLUMNS = """
    p.id AS product_id,
    json_build_object(
        'id', p.id, 'sku', p.sku, 'variant_skus', v.skus,
        'name_fr', p.name_fr, 'name_en', p.name_en,
        'name_fr_stem', w.name_fr_stem, 'name_en_stem', w.name_en_stem,
        'text_fr_stem', w.text_fr_stem, 'text_en_stem', w.text_en_stem,
        'folded', w.folded, 'suggest', w.suggest, 'name_keys', w.name_keys, 'name_words', w.name_words,
        'brand', p.brand, 'categories', p.categories, 'sizes', v.sizes, 'colours', v.colours,
        'price_minor', p.price_minor, 'currency', p.currency,
        'available', v.available, 'in_stock', v.available > 0,
        'consult_available', p.consult_available, 'hygiene_class', p.hygiene_class,
        'final_sale', p.final_sale, 'archived', p.archived, 'image', p.images ->> 0,
        'revision', p.revision, 'created_at', p.created_at, 'updated_at', p.updated_at
    )::text AS body
"""
_DOCUMENT_SOURCES = """
    products p
    LEFT JOIN product_search_words w ON w.product_id = p.id
    CROSS JOIN LATERAL (
        SELECT
            coalesce(array_agg(sku ORDER BY sku COLLATE "C"), '{}') AS skus,
            coalesce(array_agg(DISTINCT size COLLATE "C") FILTER (WHERE size <> ''), '{}') AS sizes,
            coalesce(array_agg(DISTINCT colour COLLATE "C") FILTER (WHERE colour <> ''), '{}') AS colours,
            coalesce(sum(greatest(on_hand - reserved, 0)), 0)::integer AS available
        FROM variants WHERE variants.product_id = p.id
    ) v
"""
# Both statements are put together from the constants above only; values are bound parameters.
DOCUMENTS_SQL = f"SELECT {_DOCUMENT_COLUMNS} FROM {_DOCUMENT_SOURCES} WHERE p.id = ANY(:ids)"  # noqa: S608
# Claims the next queued products (in version order, skipping rows another indexer holds) and
# builds their documents in the same statement; a product gone since it was queued has no body.
DOCUMENTS_OF_CLAIMED_SQL = f"""
WITH claimed AS (
    SELECT product_id, version FROM search_pending
    WHERE version > :after_version
    ORDER BY version
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
)
SELECT claimed.product_id, claimed.version, documents.body
FROM claimed LEFT JOIN (SELECT {_DOCUMENT_COLUMNS} FROM {_DOCUMENT_SOURCES}) documents
    ON documents.product_id = claimed.product_id
ORDER BY claimed.version
"""  # noqa: S608


@dataclass
class SearchQuery:
    text: str = ""
    language: Language = "fr"
    categories: Sequence[str] = ()
    brands: Sequence[str] = ()
    sizes: Sequence[str] = ()
    colours: Sequence[str] = ()
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool | None = None
    consult_available: bool | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 24


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = [{"term": {"archived": False}}]
    for name, values in (
        ("categories", query.categories),
        ("brand", query.brands),
        ("sizes", query.sizes),
        ("colours", query.colours),
    ):
        if values:
            filters.append({"terms": {name: list(values)}})
    if query.price_min is not None or query.price_max is not None:
        bounds = {"gte": query.price_min} if query.price_min is not None else {}
        if query.price_max is not None:
            bounds["lte"] = query.price_max
        filters.append({"range": {"price_minor": bounds}})
    if query.in_stock is not None:
        filters.append({"term": {"in_stock": query.in_stock}})
    if query.consult_available is not None:
        filters.append({"term": {"consult_available": query.consult_available}})
    return filters


def text_clause(text: str, language: Language) -> dict[str, Any] | None:
    """User text only ever goes into `match` values: never query DSL or query_string syntax."""
    words_folded = folded(text)
    if not words_folded:
        return None
    fr, en = analyzed(text, "fr"), analyzed(text, "en")
    preferred, other = ("fr", "en") if language == "fr" else ("en", "fr")
    stems = {"fr": fr, "en": en}
    clauses: list[dict[str, Any]] = []
    for lang, boost in ((preferred, 1.2), (other, 1.0)):
        if stems[lang]:
            clauses.append(
                {
                    "multi_match": {
                        "query": stems[lang],
                        "fields": [f"name_{lang}_stem^3", f"text_{lang}_stem"],
                        "type": "most_fields",
                        "operator": "or",
                        "minimum_should_match": "2<75%",
                        "boost": boost,
                    }
                }
            )
    # Typos: the unstemmed folded words, one edit allowed on words of five letters or more.
    clauses.append(
        {
            "match": {
                "folded": {
                    "query": words_folded,
                    "fuzziness": FUZZINESS,
                    "prefix_length": 1,
                    "minimum_should_match": "2<75%",
                    "boost": 0.6,
                }
            }
        }
    )
    # Unfinished last word ("robe d'ét"): a prefix on the name words, weakly.
    clauses.append({"match_bool_prefix": {"suggest": {"query": words_folded, "boost": 0.3}}})
    return {"dis_max": {"queries": clauses, "tie_breaker": 0.3}}


SORTS: dict[str, list[Any]] = {
    "relevance": ["_score", {"created_at": "desc"}, {"sku": "asc"}],
    "price_asc": [{"price_minor": "asc"}, {"sku": "asc"}],
    "price_desc": [{"price_minor": "desc"}, {"sku": "asc"}],
    "newest": [{"created_at": "desc"}, {"sku": "asc"}],
}

AGGREGATIONS: dict[str, Any] = {
    "category": {"terms": {"field": "categories", "size": 50}},
    "brand": {"terms": {"field": "brand", "size": 50}},
    "size": {"terms": {"field": "sizes", "size": 50}},
    "colour": {"terms": {"field": "colours", "size": 50}},
    "price": {"range": {"field": "price_minor", "ranges": PRICE_RANGES}},
    "in_stock": {"filter": {"term": {"in_stock": True}}},
    "consult_available": {"filter": {"term": {"consult_available": True}}},
}

RESULT_FIELDS = [
    "id",
    "sku",
    "name_fr",
    "name_en",
    "brand",
    "categories",
    "price_minor",
    "currency",
    "available",
    "in_stock",
    "consult_available",
    "hygiene_class",
    "final_sale",
    "image",
    "sizes",
    "colours",
]


SEARCH_RESPONSE_FIELDS = ["hits.total.value", "hits.hits._source", "hits.hits._score", "aggregations"]


def search_body(query: SearchQuery) -> dict[str, Any]:
    clause = text_clause(query.text, query.language) if query.text else None
    return {
        "query": {"bool": {"must": [clause or {"match_all": {}}], "filter": _filters(query)}},
        "sort": SORTS[query.sort if query.text or query.sort != "relevance" else "newest"],
        "from": (query.page - 1) * query.per_page,
        "size": query.per_page,
        "track_total_hits": True,
        "aggs": AGGREGATIONS,
        "_source": RESULT_FIELDS,
    }


def suggest_body(text: str, size: int) -> dict[str, Any]:
    typed = folded(text)
    typed_words = words(text)
    # Only [a-z0-9] reaches the pattern (folded words), so nothing typed can act as regex syntax.
    last = typed_words[-1] if typed_words else ""
    return {
        "aggs": {"words": {"terms": {"field": "name_words", "include": f"{last}.*", "size": size}}},
        "query": {
            "bool": {
                "must": [{"match_bool_prefix": {"suggest": {"query": typed}}}],
                # Names that begin with what was typed come first ("chau" -> "Chaussures ...").
                "should": [{"prefix": {"name_keys": {"value": typed, "boost": 5}}}],
                "filter": [{"term": {"archived": False}}],
            }
        },
        "size": size,
        "_source": ["id", "sku", "name_fr", "name_en"],
    }


@dataclass
class BulkOutcome:
    indexed: list[uuid.UUID] = field(default_factory=list)
    failed: dict[uuid.UUID, str] = field(default_factory=dict)


class SearchIndex:
    """The catalog's index behind its alias; every write carries an external version so a stale
    document can never overwrite a newer one, whatever order writers run in."""

    def __init__(self, client: Elasticsearch, alias: str = ALIAS) -> None:
        self.client = client
        self.alias = alias
        # The indexer writes here too while a rebuild is filling a new index.
        self.building_alias = f"{alias}-building"
        self.index_prefix = f"{alias}-v"

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        # Only what the API shows travels back: less for Elasticsearch to write and us to parse.
        return self.client.search(index=self.alias, filter_path=SEARCH_RESPONSE_FIELDS, **body).body

    def ensure_alias(self) -> None:
        if self.client.indices.exists_alias(name=self.alias):
            return
        name = self.create_index()
        self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])

    def create_index(self) -> str:
        name = f"{self.index_prefix}{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self.client.indices.create(index=name, **INDEX_BODY)
        return name

    def write_targets(self) -> list[str]:
        try:
            found = self.client.indices.get_alias(name=f"{self.alias},{self.building_alias}").body
        except NotFoundError as missing:
            # One of the two aliases is absent (the usual case): the answer still lists the other.
            found = missing.body if isinstance(missing.body, dict) else {}
        return sorted(name for name, value in found.items() if isinstance(value, dict) and "aliases" in value)

    def bulk(self, docs: Iterable[tuple[uuid.UUID, int, str]], targets: Sequence[str]) -> BulkOutcome:
        """Writes (product id, version, document as JSON text) to every target in one `_bulk`.
        The documents travel as the database wrote them: nothing is parsed or re-encoded here."""
        lines: list[str] = []
        for product_id, version, body in docs:
            for target in targets:
                action = {"_index": target, "_id": str(product_id), "version": version, "version_type": "external_gte"}
                lines.append(json.dumps({"index": action}, separators=(",", ":")))
                lines.append(body)
        outcome = BulkOutcome()
        if not lines:
            return outcome
        lines.append("")
        # Only each item's id, status and refusal come back: less for Elasticsearch to write and
        # for us to parse than the whole per-item report.
        response = self.client.bulk(
            operations="\n".join(lines), refresh=False, filter_path="items.*._id,items.*.status,items.*.error.reason"
        )
        failed: dict[uuid.UUID, str] = {}
        written: list[uuid.UUID] = []
        for item in response.get("items", []):
            result = item["index"]
            product_id = uuid.UUID(result["_id"])
            # 409: a newer version is already there, which is exactly what we want.
            if result.get("status", 500) >= 300 and result.get("status") != 409:
                failed[product_id] = str(result.get("error", {}).get("reason", result.get("status")))[:300]
            else:
                written.append(product_id)
        outcome.failed = failed
        outcome.indexed = [product_id for product_id in dict.fromkeys(written) if product_id not in failed]
        return outcome

    def start_building(self, name: str) -> None:
        actions: list[dict[str, Any]] = [{"add": {"index": name, "alias": self.building_alias}}]
        self.client.indices.update_aliases(actions=actions)

    def swap(self, name: str) -> list[str]:
        """Point the alias at `name` in one atomic call; returns the indices it left."""
        try:
            old = sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            old = []
        actions: list[dict[str, Any]] = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        actions += [
            {"add": {"index": name, "alias": self.alias}},
            {"remove": {"index": name, "alias": self.building_alias}},
        ]
        self.client.indices.update_aliases(actions=actions)
        return [index for index in old if index != name]

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)

    def get_many(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        response = self.client.mget(
            index=self.alias, ids=list(ids), source=["revision", "available", "archived", "price_minor"]
        )
        return {doc["_id"]: doc["_source"] for doc in response["docs"] if doc.get("found")}
