"""The bulk import CLI against the real database: good rows kept, bad rows reported by line."""

import io
import json
import uuid
from pathlib import Path

import pytest

from catalog.bootstrap import Container
from catalog.entrypoints.cli import import_file
from catalog.service_layer import services

pytestmark = pytest.mark.integration

CSV_HEADER = (
    "sku,name_fr,name_en,description_fr,description_en,brand,categories,price_minor,currency,"
    "hygiene_class,consult_available,final_sale,images,attributes,variants\n"
)


def test_csv_import_keeps_good_rows_and_reports_bad_ones_by_line(tmp_path: Path, container: Container) -> None:
    tag = uuid.uuid4().hex[:8].upper()
    rows = [
        f'IMP-{tag}-1,Robe zq{tag} en lin,Linen zq{tag} dress,"Légère, fraîche",Light,Boréal,robes|essais,'
        f'7999,CAD,standard,true,false,https://cdn.vitrine.test/a.jpg,"{{""material"": ""linen""}}",'
        f"IMP-{tag}-1-S|S|white|4;IMP-{tag}-1-M|M|white|0\n",
        f"IMP-{tag}-2,Prix négatif,Negative price,,,Boréal,essais,-5,CAD,standard,,,,,IMP-{tag}-2-U|U||1\n",
        f"IMP-{tag}-3,Mauvaise devise,Bad currency,,,Boréal,essais,100,XYZ,standard,,,,,IMP-{tag}-3-U|U||1\n",
        f"bad sku,Sku,Sku,,,Boréal,essais,100,CAD,standard,,,,,IMP-{tag}-4-U|U||1\n",
        f"IMP-{tag}-5,Stock illisible,Unreadable stock,,,Boréal,essais,100,CAD,standard,,,,,IMP-{tag}-5-U|U||many\n",
        f"IMP-{tag}-6,Tasse zq{tag},Mug zq{tag},,,Lumen,essais,1899,CAD,standard,,,,,IMP-{tag}-6-U|U|blue|7\n",
    ]
    path = tmp_path / "products.csv"
    path.write_text(CSV_HEADER + "".join(rows), encoding="utf-8")
    report = io.StringIO()
    import_file(container, path, batch_size=2, file_format=None, out=report)
    lines = report.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 3", "line 4", "line 5", "line 6"]
    assert "price_minor" in lines[0] and "currency" in lines[1] and "sku" in lines[2]
    kept = services.product_detail_by_sku(container.uow(), f"IMP-{tag}-1").product
    assert kept.name_fr == f"Robe zq{tag} en lin" and kept.categories == ["robes", "essais"]
    assert kept.attributes == {"material": "linen"} and kept.consult_available is True
    assert {variant.sku: variant.on_hand for variant in kept.variants} == {f"IMP-{tag}-1-M": 0, f"IMP-{tag}-1-S": 4}
    assert services.product_detail_by_sku(container.uow(), f"IMP-{tag}-6").product.available == 7
    history = services.stock_adjustments(container.uow(), f"IMP-{tag}-1-S")
    assert [entry["reason"] for entry in history] == ["initial stock (import)"]


def test_jsonl_import_updates_by_sku_without_touching_stock(tmp_path: Path, container: Container) -> None:
    tag = uuid.uuid4().hex[:8].upper()
    product = {
        "sku": f"IMP-{tag}",
        "name": {"fr": f"Chandail zq{tag}", "en": f"Sweater zq{tag}"},
        "brand": "Nordika",
        "categories": ["essais"],
        "price_minor": 8999,
        "variants": [{"sku": f"IMP-{tag}-M", "size": "M", "on_hand": 3}],
    }
    path = tmp_path / "products.jsonl"
    lines = [
        json.dumps(product),
        "{not json",
        json.dumps(
            {**product, "sku": f"IMP-{tag}-X", "variants": [{"sku": f"IMP-{tag}-M"}]}
        ),  # variant owned elsewhere
        "",
        json.dumps({**product, "price_minor": 7999, "variants": [{"sku": f"IMP-{tag}-M", "size": "M", "on_hand": 50}]}),
        json.dumps([1, 2]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = io.StringIO()
    import_file(container, path, batch_size=500, file_format=None, out=report)
    reported = sorted(line.split(":")[0] for line in report.getvalue().splitlines())
    assert reported == ["line 2", "line 3", "line 6"]
    stored = services.product_detail_by_sku(container.uow(), f"IMP-{tag}").product
    assert stored.price_minor == 7999  # the later line won
    assert stored.variants[0].on_hand == 3  # an import never overwrites counted stock
