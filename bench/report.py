"""Draws every results/*.json into results/report.svg: one bar per ratio, with its target."""

import json
from html import escape
from pathlib import Path

from bench.results import RESULTS_DIR

ROW_H, LABEL_W, BAR_W, PAD = 26, 360, 420, 16


def bar_rows(results: list[dict]) -> list[tuple[str, float, dict[str, float]]]:
    rows = []
    for result in results:
        for key, value in result["ratios"].items():
            rows.append((f"{result['benchmark']}: {key}", float(value), result.get("targets", {}).get(key, {})))
    return rows


def meets(value: float, target: dict[str, float]) -> bool:
    return value >= target.get("min", float("-inf")) and value <= target.get("max", float("inf"))


def render(rows: list[tuple[str, float, dict[str, float]]]) -> str:
    scale_max = max([v for _, v, _ in rows] + [t for _, _, tg in rows for t in tg.values()] + [1.0]) * 1.1
    height = PAD * 3 + ROW_H * len(rows)
    width = LABEL_W + BAR_W + 120
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="13">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{PAD}" y="{PAD + 4}" font-weight="bold">Vitrine benchmarks: ratios against same-run baselines '
        "(target marks in black)</text>",
    ]
    x0 = LABEL_W
    one = x0 + BAR_W / scale_max
    parts.append(
        f'<line x1="{one:.1f}" y1="{PAD * 2}" x2="{one:.1f}" y2="{height - PAD}" stroke="#bbb" stroke-dasharray="4 3"/>'
    )
    for index, (label, value, target) in enumerate(rows):
        y = PAD * 2 + index * ROW_H
        colour = "#2e7d32" if meets(value, target) else "#c62828"
        width_px = BAR_W * value / scale_max
        parts.append(f'<text x="{x0 - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{x0}" y="{y + 4}" width="{width_px:.1f}" height="{ROW_H - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{x0 + width_px + 6:.1f}" y="{y + 16}">{value:.2f}</text>')
        for bound in target.values():
            tx = x0 + BAR_W * bound / scale_max
            parts.append(
                f'<line x1="{tx:.1f}" y1="{y + 1}" x2="{tx:.1f}" y2="{y + ROW_H - 1}" stroke="#000" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def main() -> None:
    results = [json.loads(path.read_text()) for path in sorted(RESULTS_DIR.glob("*.json"))]
    out = Path(RESULTS_DIR / "report.svg")
    out.write_text(render(bar_rows(results)))
    print(f"report: {len(results)} benchmark(s) drawn into {out}")


if __name__ == "__main__":
    main()
