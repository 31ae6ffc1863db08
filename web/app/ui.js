// Pieces shared by the screens: form fields with their labels and error slots, problem messages in
// the shopper's language, product cards, loading and empty states.
import { h } from "./dom.js";
import { formatMoney, localized, t } from "./i18n.js";

let fieldCounter = 0;

/** A labelled field: returns {wrap, input, error}. `input` is built by the caller or from `type`. */
export function field(label, input, { hint } = {}) {
  const id = input.id || `f${++fieldCounter}`;
  input.id = id;
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const describedBy = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  input.setAttribute("aria-describedby", describedBy);
  const wrap = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    input,
    error,
  );
  return { wrap, input, error };
}

export function setFieldError(entry, message) {
  entry.error.textContent = message || "";
  entry.error.hidden = !message;
  if (message) entry.input.setAttribute("aria-invalid", "true");
  else entry.input.removeAttribute("aria-invalid");
}

/** The text to show a person for an ApiError, in their language, from the problem's type. */
export function problemMessage(error) {
  const problem = error.problem || {};
  const kind = (problem.type || "").split("/").pop();
  if (error.status === 0 || error.status >= 502) return t("common.unavailable");
  const known = {
    "insufficient-stock": () => t("problem.insufficient_stock", { sku: problem.sku ?? "", available: problem.available ?? 0 }),
    "validation-error": () => t("problem.validation"),
    "illegal-transition": () => t("problem.illegal_transition", { state: problem.current_state ?? "" }),
    "queue-closed": () => t("problem.queue_closed"),
    "queue-empty": () => t("problem.queue_empty"),
  };
  if (known[kind]) return known[kind]();
  if (error.status === 404) return t("problem.not_found");
  if (error.status === 401) return t("problem.unauthorized");
  if (error.status === 403) return t("problem.forbidden");
  if (error.status === 409 && problem.detail) return problem.detail;
  return problem.detail || problem.title || t("common.error");
}

/** Shows a 422's field errors next to their fields (`entries`: API field name -> field entry). */
export function showFieldErrors(error, entries) {
  const errors = error.fieldErrors || {};
  let first = null;
  for (const [name, entry] of Object.entries(entries)) {
    const message = errors[name] ? t(`invalid.${name}`) !== `invalid.${name}` ? t(`invalid.${name}`) : t("invalid.generic") : "";
    setFieldError(entry, message);
    if (message && !first) first = entry.input;
  }
  if (first) first.focus();
  return Boolean(first);
}

export function alertBox(message, { retry } = {}) {
  return h(
    "div",
    { class: "alert", role: "alert" },
    h("p", {}, message),
    retry ? h("button", { type: "button", onclick: retry }, t("common.retry")) : null,
  );
}

export function status(message) {
  return h("p", { class: "loading", role: "status" }, message || t("common.loading"));
}

export function money(minor, currency = "CAD") {
  return formatMoney(minor, currency);
}

export function categoryLabel(slug) {
  const key = `cat.${slug}`;
  const label = t(key);
  return label === key ? slug.replace(/-/g, " ") : label;
}

export function colourLabel(code) {
  if (!code) return "";
  const key = `colour.${code}`;
  const label = t(key);
  return label === key ? code : label;
}

export function productCard(product) {
  const href = `/produits/${product.id}`;
  return h(
    "li",
    { class: "product-card", dataset: { sku: product.sku } },
    h("div", { class: "product-art", "aria-hidden": "true" }, (localized(product.name)[0] || "?").toUpperCase()),
    h("h3", {}, h("a", { href, "data-link": true }, localized(product.name))),
    h("p", { class: "product-brand" }, product.brand),
    h("p", { class: "price" }, money(product.price_minor, product.currency)),
    product.in_stock === false || product.available === 0
      ? h("p", { class: "stock out" }, t("product.out_of_stock"))
      : null,
    product.consult_available ? h("p", { class: "badge consult" }, t("product.consult_badge")) : null,
  );
}

export function productGrid(products) {
  if (!products.length) return h("p", { class: "empty" }, t("catalog.empty"));
  return h("ul", { class: "product-grid" }, products.map(productCard));
}
