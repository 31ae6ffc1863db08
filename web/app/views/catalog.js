// Shopper catalog: home (categories and featured products), category pages, search with facets,
// and the search box with autocomplete shown in the header.
import { api } from "../api.js";
import { h, replace } from "../dom.js";
import { language, t } from "../i18n.js";
import { navigate } from "../router.js";
import { categoryLabel, colourLabel, productGrid } from "../ui.js";

const FACETS = ["category", "brand", "size", "colour"];
const PRICE_BANDS = { "0-25": [0, 2500], "25-50": [2500, 5000], "50-100": [5000, 10000], "100-200": [10000, 20000], "200+": [20000, null] };

// The departments shown when the catalog's search cannot list them (it names them in its facets).
const KNOWN_CATEGORIES = ["chaussures", "robes", "hauts", "pantalons", "manteaux", "accessoires", "sport", "plein-air", "maison", "literie", "cosmetiques", "electronique", "maillots", "sous-vetements"];

export async function homeView() {
  // Each part of the home page stands alone: a search outage leaves the rest of the page usable.
  const [overview, featured] = await Promise.allSettled([
    api(`/api/catalog/search?per_page=1&lang=${language()}`),
    api(`/api/catalog/search?per_page=8&consult_available=true&in_stock=true&lang=${language()}`),
  ]);
  const categories = overview.status === "fulfilled"
    ? (overview.value.facets?.category || []).slice(0, 14)
    : KNOWN_CATEGORIES.map((value) => ({ value, count: null }));
  return h(
    "section",
    { class: "home" },
    h("div", { class: "hero" },
      h("h1", {}, t("home.title")),
      h("p", { class: "lead" }, t("home.lead")),
      h("p", {}, h("a", { class: "button", href: "/conseiller", "data-link": true }, t("nav.book")))),
    h("h2", {}, t("home.categories")),
    h("ul", { class: "category-list" },
      categories.map((facet) =>
        h("li", {}, h("a", { href: `/categories/${encodeURIComponent(facet.value)}`, "data-link": true, dataset: { category: facet.value } },
          categoryLabel(facet.value), facet.count == null ? null : h("span", { class: "count" }, ` (${facet.count})`))),
      )),
    h("h2", {}, t("home.featured")),
    featured.status === "fulfilled"
      ? productGrid(featured.value.items || [])
      : h("div", { class: "alert", role: "alert" }, h("p", {}, t("home.featured_unavailable")),
        h("button", { type: "button", onclick: () => navigate("/") }, t("common.retry"))),
  );
}

function searchParamsFor(state) {
  const query = new URLSearchParams();
  if (state.q) query.set("q", state.q);
  for (const name of FACETS) for (const value of state[name] || []) query.append(name, value);
  if (state.price) query.set("price", state.price);
  if (state.in_stock) query.set("in_stock", "true");
  if (state.sort && state.sort !== "relevance") query.set("sort", state.sort);
  if (state.page > 1) query.set("page", String(state.page));
  return query;
}

function apiQuery(state) {
  const query = new URLSearchParams({ q: state.q || "", lang: language(), per_page: "24", page: String(state.page || 1) });
  for (const name of FACETS) for (const value of state[name] || []) query.append(name, value);
  const band = PRICE_BANDS[state.price];
  if (band) {
    query.set("price_min", String(band[0]));
    if (band[1] != null) query.set("price_max", String(band[1]));
  }
  if (state.in_stock) query.set("in_stock", "true");
  if (state.sort) query.set("sort", state.sort);
  return query;
}

function stateFrom(searchParams, fixedCategory) {
  const state = { q: searchParams.get("q") || "", sort: searchParams.get("sort") || "relevance", page: Number(searchParams.get("page") || 1) };
  for (const name of FACETS) state[name] = searchParams.getAll(name);
  if (fixedCategory && !state.category.includes(fixedCategory)) state.category.push(fixedCategory);
  state.price = searchParams.get("price") || "";
  state.in_stock = searchParams.get("in_stock") === "true";
  return state;
}

function facetLabel(name, value) {
  if (name === "category") return categoryLabel(value);
  if (name === "colour") return colourLabel(value);
  if (name === "price") return t(`price.band.${value}`);
  return value;
}

/** Search results and category pages share one screen: facets on the side, results beside. */
async function resultsView(state, { title, basePath, fixedCategory }) {
  const results = await api(`/api/catalog/search?${apiQuery(state)}`);
  const go = (next) => {
    const params = searchParamsFor({ ...next, category: (next.category || []).filter((value) => value !== fixedCategory) });
    navigate(`${basePath}${params.toString() ? `?${params}` : ""}`);
  };
  const facets = results.facets || {};
  const groups = [...FACETS, "price"].map((name) => {
    const values = (facets[name] || []).filter((facet) => facet.count > 0 || (state[name] || []).includes(facet.value));
    if (!values.length || (name === "category" && fixedCategory)) return null;
    return h(
      "fieldset",
      { class: "facet", dataset: { facet: name } },
      h("legend", {}, t(`facet.${name}`)),
      values.slice(0, 12).map((facet) => {
        const checked = name === "price" ? state.price === facet.value : (state[name] || []).includes(facet.value);
        const box = h("input", {
          type: name === "price" ? "radio" : "checkbox",
          name: `facet-${name}`,
          value: facet.value,
          checked,
          onchange: () => {
            const next = { ...state, page: 1 };
            if (name === "price") next.price = checked ? "" : facet.value;
            else next[name] = checked ? state[name].filter((v) => v !== facet.value) : [...state[name], facet.value];
            go(next);
          },
        });
        return h("label", { class: "facet-option" }, box, ` ${facetLabel(name, facet.value)} `, h("span", { class: "count" }, `(${facet.count})`));
      }),
    );
  });
  const sort = h(
    "select",
    { id: "sort", onchange: (event) => go({ ...state, sort: event.target.value, page: 1 }) },
    ["relevance", "price_asc", "price_desc", "newest"].map((value) => h("option", { value, selected: state.sort === value }, t(`sort.${value}`))),
  );
  const inStock = h("input", {
    type: "checkbox", id: "in-stock", checked: state.in_stock, onchange: () => go({ ...state, in_stock: !state.in_stock, page: 1 }),
  });
  const pages = Math.max(1, Math.ceil((results.total || 0) / (results.per_page || 24)));
  return h(
    "section",
    { class: "results-page" },
    h("h1", {}, title),
    h("p", { class: "result-count", role: "status" }, t("search.count", { count: results.total ?? 0 })),
    h("div", { class: "results-layout" },
      h("aside", { class: "facets", "aria-label": t("facet.title") },
        h("div", { class: "field inline" }, h("label", { for: "sort" }, t("sort.label")), sort),
        h("label", { class: "facet-option" }, inStock, ` ${t("facet.in_stock")}`),
        groups),
      h("div", { class: "results" },
        productGrid(results.items || []),
        pages > 1
          ? h("nav", { class: "pager", "aria-label": t("search.pages") },
            state.page > 1 ? h("button", { type: "button", onclick: () => go({ ...state, page: state.page - 1 }) }, t("search.previous")) : null,
            h("span", {}, t("search.page", { page: state.page, pages })),
            state.page < pages ? h("button", { type: "button", onclick: () => go({ ...state, page: state.page + 1 }) }, t("search.next")) : null)
          : null)),
  );
}

export function searchView(_params, searchParams) {
  const state = stateFrom(searchParams);
  const title = state.q ? t("search.title_for", { q: state.q }) : t("search.title");
  return resultsView(state, { title, basePath: "/recherche" });
}

export function categoryView({ slug }, searchParams) {
  const state = stateFrom(searchParams, slug);
  return resultsView(state, { title: categoryLabel(slug), basePath: `/categories/${encodeURIComponent(slug)}`, fixedCategory: slug });
}

/** The header's search box: a combobox whose list comes from /suggest as the shopper types. */
export function searchBox() {
  const listId = "search-suggestions";
  const input = h("input", {
    id: "search-input", type: "search", name: "q", autocomplete: "off", role: "combobox",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
    placeholder: t("search.placeholder"),
    value: new URL(location.href).searchParams.get("q") || "",
  });
  const list = h("ul", { id: listId, role: "listbox", class: "suggestions", hidden: true, "aria-label": t("search.suggestions") });
  let active = -1;
  let timer = null;
  let latest = 0;
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    const options = [...list.children];
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (options[index]) input.setAttribute("aria-activedescendant", options[index].id);
  };
  // Options: words completing the last typed word (they search), then product names (they open
  // the product). Each option knows where it leads.
  const go = (option) => {
    close();
    if (option.dataset.kind === "word") {
      input.value = option.dataset.query;
      navigate(`/recherche?q=${encodeURIComponent(option.dataset.query)}`);
    } else navigate(`/produits/${option.dataset.productId}`);
  };
  const open = (found, typed) => {
    const head = typed.replace(/\S*$/, "");
    const words = (found.completions || []).slice(0, 4).map((word) =>
      ({ kind: "word", label: word.text, count: word.count, query: `${head}${word.text}` }));
    const products = (found.suggestions || []).map((item) => ({ kind: "product", label: item.text, productId: item.product_id }));
    const options = [...words, ...products];
    replace(list, options.map((entry, i) =>
      h("li", {
        id: `suggestion-${i}`, role: "option", "aria-selected": "false", class: `suggestion ${entry.kind}`,
        dataset: { kind: entry.kind, query: entry.query, productId: entry.productId },
        onmousedown: (event) => {
          event.preventDefault();
          go(event.currentTarget);
        },
      }, entry.kind === "word" ? [h("span", { class: "visually-hidden" }, `${t("search.search_for")} `), entry.query, entry.count ? h("span", { class: "count" }, ` (${entry.count})`) : null] : entry.label)));
    list.hidden = options.length === 0;
    input.setAttribute("aria-expanded", String(options.length > 0));
    active = -1;
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) return close();
    timer = setTimeout(async () => {
      const ticket = ++latest;
      try {
        const found = await api(`/api/catalog/suggest?q=${encodeURIComponent(text)}&lang=${language()}&size=6`);
        if (ticket === latest) open(found, text);
      } catch {
        close(); // suggestions are a help; the search itself still works
      }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    const count = list.children.length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight((active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      highlight((active - 1 + count) % count);
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      go(list.children[active]);
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
  return h(
    "form",
    {
      class: "search-box", role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        close();
        navigate(`/recherche?q=${encodeURIComponent(input.value.trim())}`);
      },
    },
    h("label", { for: "search-input", class: "visually-hidden" }, t("search.label")),
    input,
    list,
    h("button", { type: "submit" }, t("search.submit")),
  );
}

