// History-based routing: a route is a path pattern and a view, an async function returning the
// page's content. Links with data-link navigate without reloading.
import { h, replace } from "./dom.js";
import { t } from "./i18n.js";

const routes = [];
let outlet = null;
let navigated = false;

export function route(pattern, view) {
  const names = [];
  const regex = new RegExp(
    "^" + pattern.replace(/:(\w+)/g, (_, name) => (names.push(name), "([^/]+)")) + "/?$",
  );
  routes.push({ regex, names, view });
}

export function navigate(path) {
  history.pushState({}, "", path);
  render();
}

export async function render() {
  const url = new URL(location.href);
  const match = routes
    .map((candidate) => ({ candidate, found: url.pathname.match(candidate.regex) }))
    .find(({ found }) => found);
  replace(outlet, h("p", { class: "loading", role: "status" }, t("common.loading")));
  if (!match) {
    replace(outlet, h("p", {}, t("common.not_found")));
    return;
  }
  const params = Object.fromEntries(match.candidate.names.map((name, i) => [name, decodeURIComponent(match.found[i + 1])]));
  try {
    replace(outlet, await match.candidate.view(params, url.searchParams));
  } catch (error) {
    replace(
      outlet,
      h("div", { class: "alert", role: "alert" }, h("p", {}, error.message || t("common.error")),
        h("button", { type: "button", onclick: render }, t("common.retry"))),
    );
  }
  // After a navigation, move focus to the new page (for screen readers), unless the person is
  // typing somewhere; on the first load, leave it at the top so the skip link comes first.
  const active = document.activeElement;
  if (navigated && (!active || !active.matches("input, textarea, select"))) outlet.focus({ preventScroll: true });
  navigated = true;
}

export function startRouter(container) {
  outlet = container;
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-link]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.getAttribute("href"));
  });
  window.addEventListener("popstate", render);
  render();
}
