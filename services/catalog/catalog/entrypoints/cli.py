"""Catalog's command line: `python -m catalog.entrypoints.cli <command>`.

- `seed`: the demo catalog (idempotent; only missing products are created).
- `import FILE`: bulk import from CSV or JSON Lines, streamed in batches; bad rows are reported
  with their line number and skipped, good rows kept.
- `reindex`: rebuild the search index from the database into a new versioned index and swap the
  alias atomically.
- `index-status`: how many products wait for indexing, and which documents differ from the database.
"""

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from tqdm import tqdm

from catalog.bootstrap import Container, bootstrap
from catalog.entrypoints.schemas import ProductCreate
from catalog.entrypoints.seed_data import demo_products
from catalog.service_layer import search, services
from vitrine_shared.problems import field_name

SEED_BATCH = 50
CSV_LIST_SEPARATOR = "|"
CSV_VARIANT_SEPARATOR = ";"


def seed(container: Container) -> int:
    products = demo_products()
    created = 0
    started = time.monotonic()
    for start in range(0, len(products), SEED_BATCH):
        batch = products[start : start + SEED_BATCH]
        created += services.add_missing_products(container.uow(), batch, actor="seed")
        done = start + len(batch)
        print(f"catalog: seed {done}/{len(products)} products ({created} created, {done - created} already there)")
    variants = sum(len(product.variants) for product in products)
    print(
        f"catalog: seeded {len(products)} products, {variants} variants in {time.monotonic() - started:.1f}s; "
        "the worker indexes them for search"
    )
    return 0


# --- bulk import ------------------------------------------------------------------------------


def _csv_rows(handle: TextIO) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """CSV: one product per row. Lists (`categories`, `images`) are `|`-separated; `variants` is
    `SKU|size|colour|on_hand` entries separated by `;`; `attributes` is a JSON object."""
    reader = csv.DictReader(handle)
    for row in reader:
        line = reader.line_num
        try:
            variants = []
            for entry in filter(None, (row.get("variants") or "").split(CSV_VARIANT_SEPARATOR)):
                sku, size, colour, on_hand = ([*entry.split(CSV_LIST_SEPARATOR), "", "", "", ""])[:4]
                variant: dict[str, Any] = {"sku": sku.strip(), "on_hand": int(on_hand or 0)}
                if size.strip():
                    variant["size"] = size.strip()
                if colour.strip():
                    variant["colour"] = colour.strip()
                variants.append(variant)
            body: dict[str, Any] = {
                "sku": row.get("sku"),
                "name": {"fr": row.get("name_fr"), "en": row.get("name_en")},
                "description": {"fr": row.get("description_fr") or "", "en": row.get("description_en") or ""},
                "brand": row.get("brand"),
                "categories": [c for c in (row.get("categories") or "").split(CSV_LIST_SEPARATOR) if c],
                "price_minor": row.get("price_minor"),
                "currency": row.get("currency") or "CAD",
                "images": [i for i in (row.get("images") or "").split(CSV_LIST_SEPARATOR) if i],
                "attributes": json.loads(row["attributes"]) if row.get("attributes") else {},
                "hygiene_class": row.get("hygiene_class") or "standard",
                "consult_available": (row.get("consult_available") or "false").strip().lower() in ("1", "true", "yes"),
                "final_sale": (row.get("final_sale") or "false").strip().lower() in ("1", "true", "yes"),
                "variants": variants,
            }
        except (ValueError, TypeError) as exc:
            yield line, f"unreadable row: {exc}"
            continue
        yield line, body


def _jsonl_rows(handle: TextIO) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """JSON Lines: one product per line, the same object as `POST /api/catalog/staff/products`."""
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield line, f"not JSON: {exc.msg} at column {exc.colno}"
            continue
        yield line, value if isinstance(value, dict) else "not a JSON object"


def import_file(container: Container, path: Path, *, batch_size: int, file_format: str | None, out: TextIO) -> int:
    kind = file_format or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    good = bad = 0
    pending: dict[str, tuple[int, Any]] = {}

    def flush() -> None:
        nonlocal good, bad
        if not pending:
            return
        products = [product for _, product in pending.values()]
        written, refused = services.import_products(container.uow(), products, actor="import")
        good += written
        for sku, reason in refused.items():
            bad += 1
            print(f"line {pending[sku][0]}: {reason}", file=out)
        pending.clear()

    # Streamed: one batch in memory at a time, whatever the file's size.
    with path.open(newline="" if kind == "csv" else None, encoding="utf-8", errors="replace") as handle:
        rows = _csv_rows(handle) if kind == "csv" else _jsonl_rows(handle)
        with tqdm(rows, unit=" rows", desc=f"importing {path.name}", file=sys.stderr, mininterval=0.5) as progress:
            for line, body in progress:
                if isinstance(body, str):
                    bad += 1
                    print(f"line {line}: {body}", file=out)
                    continue
                try:
                    product = ProductCreate.model_validate(body).to_domain()
                except ValidationError as exc:
                    bad += 1
                    error = exc.errors()[0]
                    print(f"line {line}: {field_name(error['loc']) or 'row'}: {error['msg']}", file=out)
                    continue
                if product.sku in pending:  # the same product twice in one batch: write the first
                    flush()
                pending[product.sku] = (line, product)
                if len(pending) >= batch_size:
                    flush()
                    progress.set_postfix(imported=good, skipped=bad, refresh=False)
            flush()
    print(f"catalog: imported {good} products, skipped {bad} bad rows", file=sys.stderr)
    return 0 if good or not bad else 1


# --- search index -------------------------------------------------------------------------------


def reindex(container: Container, batch: int, *, reanalyse: bool = False) -> int:
    if reanalyse:
        with tqdm(unit=" products", desc="analysing", file=sys.stderr, mininterval=0.5) as progress:
            search.reanalyse(container.uow, progress=progress.update)
    with tqdm(unit=" products", desc="reindexing", file=sys.stderr, mininterval=0.5) as progress:
        name, total, left = search.rebuild_index(
            container.uow, container.indexing_index, batch=batch, progress=progress.update
        )
    print(f"catalog: {total} products indexed into {name}; alias swapped (removed {', '.join(left) or 'nothing'})")
    return 0


def index_status(container: Container) -> int:
    with container.uow() as uow:
        waiting = uow.products.pending_count()
    differences = search.index_differences(container.uow, container.indexing_index)
    print(f"catalog: {waiting} products waiting to be indexed; {len(differences)} documents differ from the database")
    for sku in differences[:20]:
        print(f"  {sku}")
    return 0 if not differences else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine-catalog")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed", help="create the demo catalog (idempotent)")
    importer = commands.add_parser("import", help="bulk import products from CSV or JSON Lines")
    importer.add_argument("file", type=Path)
    importer.add_argument("--format", choices=["csv", "jsonl"], help="by default from the file's extension")
    importer.add_argument("--batch-size", type=int, default=500)
    rebuild = commands.add_parser("reindex", help="rebuild the search index from the database, then swap the alias")
    rebuild.add_argument("--batch-size", type=int, default=1000)
    rebuild.add_argument(
        "--reanalyse", action="store_true", help="analyse every product's words again first (after a language change)"
    )
    commands.add_parser("index-status", help="compare the search index with the database")
    args = parser.parse_args(argv)
    container = bootstrap()
    if args.command == "seed":
        return seed(container)
    if args.command == "import":
        return import_file(container, args.file, batch_size=args.batch_size, file_format=args.format, out=sys.stdout)
    if args.command == "reindex":
        return reindex(container, args.batch_size, reanalyse=args.reanalyse)
    return index_status(container)


if __name__ == "__main__":
    sys.exit(main())
