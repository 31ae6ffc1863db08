"""Probe which search features an Elasticsearch node really has.

    .venv/bin/python ops/es_probe.py [--url http://127.0.0.1:9200] [--markdown]

Tries each analyzer, tokenizer, filter, field type, query, aggregation and index API the search
design might use, on throwaway indices named vitrine-probe-*, deleted afterwards. Prints one line
per feature (ok / MISSING with the server's reason). Standard library only, so it runs anywhere.
docs/elasticsearch.md records the result for the local distribution.
"""

from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.request
from collections.abc import Callable

Result = tuple[str, str, bool, str]


class ES:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def call(self, method: str, path: str, body: object = None, ndjson: str | None = None) -> tuple[int, dict]:
        data = None
        headers = {"Accept": "application/json"}
        if ndjson is not None:
            data = ndjson.encode()
            headers["Content-Type"] = "application/x-ndjson"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else {}
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, {"error": raw.decode(errors="replace")}


def reason(body: dict) -> str:
    err = body.get("error")
    if isinstance(err, dict):
        root = (err.get("root_cause") or [err])[0]
        return f"{root.get('type', '')}: {root.get('reason', '')}"[:160]
    return str(err or body)[:160]


def probe(es: ES) -> list[Result]:
    results: list[Result] = []

    def check(category: str, feature: str, fn: Callable[[], tuple[bool, str]]) -> None:
        try:
            ok, note = fn()
        except Exception as e:  # noqa: BLE001 - a probe reports, it never stops
            ok, note = False, f"{type(e).__name__}: {e}"
        results.append((category, feature, ok, note))

    def analyze(body: dict) -> tuple[bool, str]:
        status, out = es.call("POST", "/_analyze", {"text": "Les Élégantes chaussures de l'été running", **body})
        if status != 200:
            return False, reason(out)
        return True, " ".join(t["token"] for t in out.get("tokens", []))

    for name in [
        "standard",
        "simple",
        "whitespace",
        "keyword",
        "stop",
        "pattern",
        "fingerprint",
        "french",
        "english",
        "snowball",
    ]:
        check("analyzer", name, lambda n=name: analyze({"analyzer": n}))
    for name in [
        "standard",
        "whitespace",
        "keyword",
        "letter",
        "lowercase",
        "classic",
        "ngram",
        "edge_ngram",
        "pattern",
        "char_group",
        "path_hierarchy",
        "uax_url_email",
    ]:
        tok: object = {"type": "char_group", "tokenize_on_chars": ["whitespace"]} if name == "char_group" else name
        check("tokenizer", name, lambda t=tok: analyze({"tokenizer": t}))
    filters: dict[str, object] = {
        "lowercase": "lowercase",
        "uppercase": "uppercase",
        "asciifolding": "asciifolding",
        "stemmer (french)": {"type": "stemmer", "language": "light_french"},
        "porter_stem": "porter_stem",
        "snowball": {"type": "snowball", "language": "French"},
        "elision": {"type": "elision", "articles": ["l"]},
        "stop (_french_)": {"type": "stop", "stopwords": "_french_"},
        "edge_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 5},
        "ngram": {"type": "ngram", "min_gram": 2, "max_gram": 3},
        "shingle": "shingle",
        "synonym": {"type": "synonym", "synonyms": ["running, course"]},
        "synonym_graph": {"type": "synonym_graph", "synonyms": ["running, course"]},
        "word_delimiter_graph": "word_delimiter_graph",
        "unique": "unique",
        "truncate": "truncate",
        "length": {"type": "length", "min": 2},
        "icu_folding": "icu_folding",
    }
    for label, flt in filters.items():
        check("token filter", label, lambda f=flt: analyze({"tokenizer": "standard", "filter": [f]}))
    for name, cf in {
        "html_strip": "html_strip",
        "mapping": {"type": "mapping", "mappings": ["é => e"]},
        "pattern_replace": {"type": "pattern_replace", "pattern": "é", "replacement": "e"},
    }.items():
        check("char filter", name, lambda c=cf: analyze({"tokenizer": "standard", "char_filter": [c]}))
    check(
        "analyzer",
        "custom (standard tokenizer + lowercase + stop) in index settings",
        lambda: _mapping(
            es,
            "custom",
            {
                "analysis": {
                    "analyzer": {"app": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "stop"]}}
                }
            },
            {"t": {"type": "text", "analyzer": "app"}},
        ),
    )
    check(
        "normalizer",
        "custom normalizer (lowercase) on keyword",
        lambda: _mapping(
            es,
            "norm",
            {"analysis": {"normalizer": {"lc": {"type": "custom", "filter": ["lowercase"]}}}},
            {"k": {"type": "keyword", "normalizer": "lc"}},
        ),
    )

    field_types = {
        "text + keyword subfield": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
        "text index_prefixes": {"type": "text", "index_prefixes": {"min_chars": 1, "max_chars": 10}},
        "search_as_you_type": {"type": "search_as_you_type"},
        "completion": {"type": "completion"},
        "match_only_text": {"type": "match_only_text"},
        "scaled_float": {"type": "scaled_float", "scaling_factor": 100},
        "rank_feature": {"type": "rank_feature"},
        "token_count": {"type": "token_count", "analyzer": "standard"},
        "wildcard": {"type": "wildcard"},
        "flattened": {"type": "flattened"},
        "dense_vector": {"type": "dense_vector", "dims": 3},
        "geo_point": {"type": "geo_point"},
        "date / long / boolean / nested": {
            "type": "nested",
            "properties": {"d": {"type": "date"}, "n": {"type": "long"}, "b": {"type": "boolean"}},
        },
    }
    for i, (label, spec) in enumerate(field_types.items()):
        check("field type", label, lambda s=spec, i=i: _mapping(es, f"ft{i}", {}, {"f": s}))

    # A small index for queries, aggregations and index APIs.
    idx = "vitrine-probe-data"
    es.call("DELETE", f"/{idx}")
    status, out = es.call(
        "PUT",
        f"/{idx}",
        {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": {
                "properties": {
                    "title": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
                    "brand": {"type": "keyword"},
                    "price": {"type": "integer"},
                    "suggest": {"type": "text", "index_prefixes": {"min_chars": 1, "max_chars": 10}},
                    "complete": {"type": "completion"},
                }
            },
        },
    )
    lines = []
    docs = [
        ("1", "chaussure course rouge", "Nova", 4999),
        ("2", "chaussures running bleu", "Atlas", 8999),
        ("3", "robe ete legere", "Nova", 12999),
    ]
    for doc_id, title, brand, price in docs:
        lines.append(json.dumps({"index": {"_index": idx, "_id": doc_id}}))
        lines.append(
            json.dumps({"title": title, "brand": brand, "price": price, "suggest": title, "complete": title.split()})
        )
    status, out = es.call("POST", "/_bulk?refresh=true", ndjson="\n".join(lines) + "\n")
    check("index API", "_bulk", lambda: (status == 200 and not out.get("errors"), f"{len(out.get('items', []))} items"))

    def search(body: dict, expect: Callable[[dict], str]) -> tuple[bool, str]:
        s, o = es.call("POST", f"/{idx}/_search", body)
        return (True, expect(o)) if s == 200 else (False, reason(o))

    def hits(o: dict) -> str:
        return "hits " + ",".join(h["_id"] for h in o["hits"]["hits"])

    check(
        "query",
        "match fuzziness AUTO ('chausure')",
        lambda: search({"query": {"match": {"title": {"query": "chausure", "fuzziness": "AUTO"}}}}, hits),
    )
    check(
        "query",
        "multi_match best_fields + fuzziness",
        lambda: search(
            {"query": {"multi_match": {"query": "runing", "fields": ["title^2", "brand"], "fuzziness": "AUTO"}}}, hits
        ),
    )
    check(
        "query",
        "prefix query on index_prefixes field ('chau')",
        lambda: search({"query": {"prefix": {"suggest": "chau"}}}, hits),
    )
    check(
        "query",
        "match_bool_prefix ('chaussure cou')",
        lambda: search({"query": {"match_bool_prefix": {"title": "chaussure cou"}}}, hits),
    )
    check("query", "prefix query", lambda: search({"query": {"prefix": {"title": "chau"}}}, hits))
    check(
        "query",
        "match_phrase_prefix",
        lambda: search({"query": {"match_phrase_prefix": {"title": "chaussure co"}}}, hits),
    )
    check(
        "query",
        "bool filter term + range",
        lambda: search(
            {"query": {"bool": {"filter": [{"term": {"brand": "Nova"}}, {"range": {"price": {"lte": 5000}}}]}}}, hits
        ),
    )
    check(
        "query",
        "function_score field_value_factor",
        lambda: search(
            {
                "query": {
                    "function_score": {
                        "query": {"match_all": {}},
                        "field_value_factor": {"field": "price", "modifier": "log1p"},
                    }
                }
            },
            hits,
        ),
    )
    check(
        "query",
        "sort by keyword and integer",
        lambda: search({"sort": [{"price": "desc"}, {"title.raw": "asc"}], "query": {"match_all": {}}}, hits),
    )
    check(
        "query",
        "highlight",
        lambda: search(
            {"query": {"match": {"title": "course"}}, "highlight": {"fields": {"title": {}}}},
            lambda o: str(o["hits"]["hits"][0].get("highlight")),
        ),
    )
    check(
        "query", "search_after", lambda: search({"sort": [{"price": "asc"}], "search_after": [4999], "size": 1}, hits)
    )
    check(
        "query",
        "collapse on keyword",
        lambda: search({"collapse": {"field": "brand"}, "query": {"match_all": {}}}, hits),
    )

    def aggs(o: dict) -> str:
        return json.dumps(
            {
                k: [b.get("key") for b in v.get("buckets", [])] if "buckets" in v else v.get("value")
                for k, v in o.get("aggregations", {}).items()
            }
        )[:150]

    check("aggregation", "terms", lambda: search({"size": 0, "aggs": {"b": {"terms": {"field": "brand"}}}}, aggs))
    check(
        "aggregation",
        "range",
        lambda: search(
            {
                "size": 0,
                "aggs": {
                    "p": {
                        "range": {
                            "field": "price",
                            "ranges": [{"to": 5000}, {"from": 5000, "to": 10000}, {"from": 10000}],
                        }
                    }
                },
            },
            aggs,
        ),
    )
    check(
        "aggregation",
        "histogram",
        lambda: search({"size": 0, "aggs": {"h": {"histogram": {"field": "price", "interval": 5000}}}}, aggs),
    )
    check(
        "aggregation",
        "min / max / cardinality",
        lambda: search(
            {
                "size": 0,
                "aggs": {
                    "mn": {"min": {"field": "price"}},
                    "mx": {"max": {"field": "price"}},
                    "c": {"cardinality": {"field": "brand"}},
                },
            },
            aggs,
        ),
    )
    check(
        "aggregation",
        "filters",
        lambda: search(
            {"size": 0, "aggs": {"f": {"filters": {"filters": {"cheap": {"range": {"price": {"lt": 5000}}}}}}}},
            lambda o: "ok",
        ),
    )
    check(
        "aggregation",
        "composite",
        lambda: search(
            {"size": 0, "aggs": {"c": {"composite": {"sources": [{"brand": {"terms": {"field": "brand"}}}]}}}}, aggs
        ),
    )

    # Index APIs.
    def api(method: str, path: str, body: object = None, ok: tuple[int, ...] = (200, 201)) -> tuple[bool, str]:
        s, o = es.call(method, path, body)
        return (s in ok, f"HTTP {s}" if s in ok else f"HTTP {s} {reason(o)}")

    es.call("DELETE", "/vitrine-probe-v2")
    es.call("PUT", "/vitrine-probe-v2", {"settings": {"number_of_shards": 1, "number_of_replicas": 0}})
    check("index API", "alias (PUT /idx/_alias/name)", lambda: api("PUT", f"/{idx}/_alias/vitrine-probe"))
    check(
        "index API",
        "_aliases atomic swap",
        lambda: api(
            "POST",
            "/_aliases",
            {
                "actions": [
                    {"remove": {"index": idx, "alias": "vitrine-probe"}},
                    {"add": {"index": "vitrine-probe-v2", "alias": "vitrine-probe", "is_write_index": True}},
                ]
            },
        ),
    )
    check(
        "index API",
        "_reindex",
        lambda: api(
            "POST", "/_reindex?refresh=true", {"source": {"index": idx}, "dest": {"index": "vitrine-probe-v2"}}
        ),
    )
    check(
        "index API", "_update_by_query", lambda: api("POST", f"/{idx}/_update_by_query", {"query": {"match_all": {}}})
    )
    check(
        "index API",
        "_delete_by_query",
        lambda: api("POST", f"/{idx}/_delete_by_query", {"query": {"term": {"brand": "x"}}}),
    )
    check("index API", "_count / _mget / _doc", lambda: api("GET", f"/{idx}/_count"))
    check(
        "index API",
        "index template (_index_template)",
        lambda: api(
            "PUT",
            "/_index_template/vitrine-probe-tpl",
            {"index_patterns": ["vitrine-probe-tpl-*"], "template": {"settings": {"number_of_shards": 1}}},
        ),
    )
    check("index API", "point in time (_pit)", lambda: api("POST", f"/{idx}/_pit?keep_alive=1m"))
    check("index API", "scroll", lambda: api("POST", f"/{idx}/_search?scroll=1m", {"size": 1}))
    check("index API", "GET / (root info, client ping/info)", lambda: api("GET", "/"))
    check("index API", "_cluster/health", lambda: api("GET", "/_cluster/health"))
    check(
        "suggester",
        "term suggester",
        lambda: search(
            {"suggest": {"s": {"text": "chausure", "term": {"field": "title"}}}}, lambda o: str(o.get("suggest"))[:120]
        ),
    )

    check(
        "suggester",
        "completion suggester (prefix 'chau', fuzzy)",
        lambda: search(
            {"suggest": {"c": {"prefix": "chau", "completion": {"field": "complete", "fuzzy": {"fuzziness": 1}}}}},
            lambda o: str([x["text"] for x in o["suggest"]["c"][0]["options"]]),
        ),
    )

    es.call("DELETE", "/_index_template/vitrine-probe-tpl")
    es.call("DELETE", f"/{idx},vitrine-probe-v2")
    return results


def _mapping(es: ES, suffix: str, settings: dict, properties: dict) -> tuple[bool, str]:
    name = f"vitrine-probe-{suffix}"
    es.call("DELETE", f"/{name}")
    s, o = es.call(
        "PUT",
        f"/{name}",
        {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0, **settings},
            "mappings": {"properties": properties},
        },
    )
    es.call("DELETE", f"/{name}")
    return (s == 200, "mapping accepted" if s == 200 else reason(o))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:9200")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    es = ES(args.url)
    _, nodes = es.call("GET", "/_nodes?filter_path=**.version,**.modules.name,**.plugins.name")
    node = next(iter(nodes.get("nodes", {}).values()), {})
    print(
        f"version {node.get('version')}; modules: {', '.join(m['name'] for m in node.get('modules', []))}; "
        f"plugins: {', '.join(p['name'] for p in node.get('plugins', [])) or 'none'}"
    )
    results = probe(es)
    if args.markdown:
        print("| kind | feature | here | detail |\n|---|---|---|---|")
        for cat, feat, ok, note in results:
            print(f"| {cat} | {feat} | {'yes' if ok else '**no**'} | {note.replace('|', '/')} |")
    else:
        for cat, feat, ok, note in results:
            print(f"{'ok     ' if ok else 'MISSING'} {cat:13} {feat:40} {note}")


if __name__ == "__main__":
    main()
