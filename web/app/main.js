// The app's shell: header, language switch, routes.
import { h, replace } from "./dom.js";
import { currentLocale, onLocaleChange, setLocale, t } from "./i18n.js";
import { render, route, startRouter } from "./router.js";
import { homeView } from "./views/home.js";
import { staffView } from "./views/staff.js";

route("/", homeView);
route("/staff", staffView);

function header() {
  const other = currentLocale() === "fr-CA" ? "en" : "fr-CA";
  return h(
    "header",
    { class: "site-header" },
    h("a", { class: "skip", href: "#main" }, t("nav.skip")),
    h("a", { class: "brand", href: "/", "data-link": true }, t("app.name")),
    h("span", { class: "tagline" }, t("app.tagline")),
    h(
      "nav",
      { "aria-label": t("app.name") },
      h("a", { href: "/", "data-link": true }, t("nav.shop")),
      h("a", { href: "/staff", "data-link": true }, t("nav.staff")),
      h("button", {
        type: "button",
        class: "language",
        lang: other,
        "aria-label": t("nav.language.label"),
        onclick: () => setLocale(other),
      }, t("nav.language")),
    ),
  );
}

const headerSlot = document.getElementById("header");
const main = document.getElementById("main");
replace(headerSlot, header());
onLocaleChange(() => {
  replace(headerSlot, header());
  render();
});
startRouter(main);
