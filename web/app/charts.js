// Small charts drawn as inline SVG (no library): horizontal bars and a column series. Each chart
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

/** points: [{label, value}] in time order -> column chart. */
export function columnChart(title, points, { format = (value) => String(value), colour = "#1e6b34" } = {}) {
  const width = 520;
  const height = 180;
  const bottom = 30;
  const max = Math.max(1, ...points.map((point) => point.value));
  const step = (width - 20) / Math.max(points.length, 1);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", width: "100%", "aria-label": title });
  chart.append(svg("title", {}, title));
  chart.append(svg("desc", {}, points.map((point) => `${point.label}: ${format(point.value)}`).join("; ")));
  chart.append(svg("line", { x1: 10, x2: width - 10, y1: height - bottom, y2: height - bottom, stroke: "#888" }));
  points.forEach((point, i) => {
    const barHeight = Math.round(((height - bottom - 20) * point.value) / max);
    const x = 10 + i * step + step * 0.15;
    chart.append(
      svg("rect", { x, y: height - bottom - barHeight, width: step * 0.7, height: Math.max(barHeight, 0), fill: colour, rx: 2 }),
      svg("text", { x: x + step * 0.35, y: height - bottom - barHeight - 4, "text-anchor": "middle", class: "chart-value" }, point.value ? format(point.value) : ""),
      svg("text", { x: x + step * 0.35, y: height - 10, "text-anchor": "middle", class: "chart-label" }, point.label),
    );
  });
  return chart;
}
