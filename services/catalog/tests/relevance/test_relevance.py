"""Search quality over the seeded demo catalog: hit@3 and nDCG@10 on the labelled queries in
queries.json (French and English, with typos). Prints the report; asserts floors."""

import json
import math
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("seeded")]

CASES: list[dict[str, Any]] = json.loads((Path(__file__).parent / "queries.json").read_text())
HIT3_FLOOR = 0.95
NDCG10_FLOOR = 0.85


def dcg(gains: list[int]) -> float:
    return sum((2**gain - 1) / math.log2(rank + 2) for rank, gain in enumerate(gains))


def evaluate(client: TestClient, case: dict[str, Any]) -> tuple[bool, float, list[str]]:
    response = client.get("/api/catalog/search", params={"q": case["query"], "lang": case["lang"], "per_page": 10})
    assert response.status_code == 200, response.text
    ranked = [item["sku"] for item in response.json()["items"]]
    relevant: dict[str, int] = case["relevant"]
    gains = [relevant.get(sku, 0) for sku in ranked]
    ideal = dcg(sorted(relevant.values(), reverse=True)[:10])
    return any(gain == 2 for gain in gains[:3]), dcg(gains) / ideal, ranked


def test_relevance_report(client: TestClient) -> None:
    assert len(CASES) >= 40
    assert {case["lang"] for case in CASES} == {"fr", "en"}
    lines, hits, ndcgs = [], 0, []
    for case in CASES:
        hit, ndcg, ranked = evaluate(client, case)
        hits += hit
        ndcgs.append(ndcg)
        if not hit or ndcg < 0.7:
            lines.append(f"  weak: {case['query']!r} ({case['lang']}) hit@3={hit} nDCG@10={ndcg:.2f} top={ranked[:3]}")
    hit3, ndcg10 = hits / len(CASES), sum(ndcgs) / len(ndcgs)
    by_lang = {
        lang: sum(n for n, c in zip(ndcgs, CASES, strict=True) if c["lang"] == lang)
        / sum(1 for c in CASES if c["lang"] == lang)
        for lang in ("fr", "en")
    }
    print(
        f"\nrelevance: {len(CASES)} queries, hit@3 {hit3:.3f}, nDCG@10 {ndcg10:.3f} "
        f"(fr {by_lang['fr']:.3f}, en {by_lang['en']:.3f})"
    )
    print("\n".join(lines))
    assert hit3 >= HIT3_FLOOR
    assert ndcg10 >= NDCG10_FLOOR
