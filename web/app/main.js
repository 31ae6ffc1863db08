// The app's shell: header (search, cart, language), routes.
import { cartCount } from "./cart.js";
import { h, replace } from "./dom.js";
import { currentLocale, onLocaleChange, setLocale, t } from "./i18n.js";
import { render, route, startRouter } from "./router.js";
import { categoryView, homeView, searchBox, searchView } from "./views/catalog.js";
import { cartView, checkoutView, orderLookupView, orderView } from "./views/checkout.js";
import { advisorView, bookingView, bookView, callView, queueView } from "./views/consult.js";
import { statusView } from "./views/home.js";
import { opsView } from "./views/ops.js";
import { productView } from "./views/product.js";
import { certificateLookupView, certificateView, returnView, startReturnView } from "./views/returns.js";
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

route("/retours", startReturnView);
route("/retours/:id", returnView);
route("/certificats", certificateLookupView);
route("/certificats/:id", certificateView);
route("/ops", opsView);
route("/conseiller", bookView);
route("/rendez-vous/:id", bookingView);
route("/file/:id", queueView);
route("/appel/:id", callView);
route("/conseillers", advisorView);

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

function footer() {
  return h("nav", { class: "site-footer", "aria-label": t("nav.footer") },
    h("a", { href: "/commande", "data-link": true }, t("order.lookup_title")),
    h("a", { href: "/certificats", "data-link": true }, t("certificate.lookup_title")),
    h("a", { href: "/etat", "data-link": true }, t("home.services")));
}

const headerSlot = document.getElementById("header");
const footerSlot = document.getElementById("footer");
const main = document.getElementById("main");
replace(headerSlot, header());
onLocaleChange(() => {
  replace(headerSlot, header());
  replace(footerSlot, footer());
  render();
});
window.addEventListener("cart-changed", () => {
  const link = document.getElementById("cart-link");
  if (link) link.replaceWith(cartLink());
});

replace(footerSlot, footer());
startRouter(main);
