// Small charts drawn as inline SVG (no library): horizontal bars and grouped columns over time. Each chart
// carries a title and a description for screen readers, and the figures also appear as text.
const NS = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

/** rows: [{label, value, note?}] -> horizontal bar chart. */
export function barChart(title, rows, { format = (value) => String(value), colour = "#0b57d0" } = {}) {
  const rowHeight = 26;
  const labelWidth = 210;
  const width = 560;
  const height = Math.max(rows.length, 1) * rowHeight + 8;
  const max = Math.max(1, ...rows.map((row) => row.value));
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", width: "100%", "aria-label": title });
  chart.append(svg("title", {}, title));
  chart.append(svg("desc", {}, rows.map((row) => `${row.label}: ${format(row.value)}`).join("; ")));
  rows.forEach((row, i) => {
    const y = i * rowHeight + 4;
    const barWidth = Math.round(((width - labelWidth - 70) * row.value) / max);
    chart.append(
      svg("text", { x: labelWidth - 6, y: y + 16, "text-anchor": "end", class: "chart-label" }, row.label),
      svg("rect", { x: labelWidth, y: y + 3, width: Math.max(barWidth, 1), height: rowHeight - 8, fill: colour, rx: 3 }),
      svg("text", { x: labelWidth + barWidth + 6, y: y + 16, class: "chart-value" }, format(row.value)),
    );
  });
  return chart;
}

/** points: [{label, values: {key: n}}] in time order, series: [{key, label, colour}] -> grouped
 * column chart with a legend; labels every few columns so 48 hours stay readable. */
export function seriesChart(title, points, series, { format = (value) => String(value) } = {}) {
  const width = 560;
  const height = 210;
  const bottom = 30;
  const top = 28;
  const max = Math.max(1, ...points.flatMap((point) => series.map((s) => point.values[s.key] || 0)));
  const step = (width - 20) / Math.max(points.length, 1);
  const bar = (step * 0.8) / Math.max(series.length, 1);
  const every = Math.max(1, Math.ceil(points.length / 8));
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart series-chart", width: "100%", "aria-label": title });
  chart.append(svg("title", {}, title));
  chart.append(svg("desc", {}, points.filter((point) => series.some((s) => point.values[s.key]))
    .map((point) => `${point.label}: ${series.map((s) => `${s.label} ${format(point.values[s.key] || 0)}`).join(", ")}`).join("; ")));
  series.forEach((s, i) => chart.append(
    svg("rect", { x: 10 + i * 150, y: 6, width: 12, height: 12, fill: s.colour }),
    svg("text", { x: 28 + i * 150, y: 16, class: "chart-label legend" }, s.label)));
  chart.append(svg("line", { x1: 10, x2: width - 10, y1: height - bottom, y2: height - bottom, stroke: "#888" }));
  points.forEach((point, i) => {
    const x = 10 + i * step + step * 0.1;
    series.forEach((s, j) => {
      const value = point.values[s.key] || 0;
      const barHeight = Math.round(((height - bottom - top) * value) / max);
      chart.append(svg("rect", { x: x + j * bar, y: height - bottom - barHeight, width: Math.max(bar - 1, 1), height: barHeight, fill: s.colour },
        svg("title", {}, `${point.label} · ${s.label} : ${format(value)}`)));
    });
    if (i % every === 0) chart.append(svg("text", { x: x + step * 0.4, y: height - 10, "text-anchor": "middle", class: "chart-label" }, point.label));
  });
  return chart;
}
