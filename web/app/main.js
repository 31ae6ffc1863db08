// The app's shell: header (search, cart, language), routes.
import { cartCount } from "./cart.js";
import { h, replace } from "./dom.js";
import { currentLocale, onLocaleChange, setLocale, t } from "./i18n.js";
import { render, route, startRouter } from "./router.js";
import { categoryView, homeView, searchBox, searchView } from "./views/catalog.js";
import { cartView, checkoutView, orderLookupView, orderView } from "./views/checkout.js";
import { statusView } from "./views/home.js";
import { productView } from "./views/product.js";
import { staffView } from "./views/staff.js";

route("/", homeView);
route("/recherche", searchView);
route("/categories/:slug", categoryView);
route("/produits/:id", productView);
route("/panier", cartView);
route("/caisse", checkoutView);
route("/commandes/:id", orderView);
route("/commande", orderLookupView);
route("/etat", statusView);
route("/staff", staffView);

const optional = [
  ["./views/returns.js", (m) => {
    route("/retours", m.startReturnView);
    route("/retours/:id", m.returnView);
    route("/certificats", m.certificateLookupView);
    route("/certificats/:id", m.certificateView);
  }],
  ["./views/ops.js", (m) => route("/ops", m.opsView)],
  ["./views/consult.js", (m) => {
    route("/conseiller", m.bookView);
    route("/rendez-vous/:id", m.bookingView);
    route("/file/:id", m.queueView);
    route("/appel/:id", m.callView);
    route("/conseillers", m.advisorView);
  }],
];

function cartLink() {
  const count = cartCount();
  return h("a", { href: "/panier", "data-link": true, class: "cart-link", id: "cart-link" },
    t("nav.cart"), " ", h("span", { class: "cart-count", "aria-label": t("nav.cart_count", { count }) }, String(count)));
}

function header() {
  const other = currentLocale() === "fr-CA" ? "en" : "fr-CA";
  return h(
    "header",
    { class: "site-header" },
    h("a", { class: "skip", href: "#main" }, t("nav.skip")),
    h("a", { class: "brand", href: "/", "data-link": true }, t("app.name")),
    searchBox(),
    h(
      "nav",
      { "aria-label": t("nav.main") },
      h("a", { href: "/", "data-link": true }, t("nav.shop")),
      h("a", { href: "/conseiller", "data-link": true }, t("nav.book")),
      h("a", { href: "/retours", "data-link": true }, t("nav.returns")),
      h("a", { href: "/staff", "data-link": true }, t("nav.staff")),
      cartLink(),
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
window.addEventListener("cart-changed", () => {
  const link = document.getElementById("cart-link");
  if (link) link.replaceWith(cartLink());
});

// Screens of the later flows load as their modules appear; a missing one never blocks the shop.
Promise.all(optional.map(([path, register]) => import(path).then(register).catch((error) => console.warn(`screens of ${path} unavailable:`, error)))).then(() => startRouter(main));
