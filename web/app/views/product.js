// The product page: variants with their stock, the price in the shopper's format, the
// "returned item, sanitized" badge linking to its certificate, and "book a demo" when offered.
import { api } from "../api.js";
import { addToCart } from "../cart.js";
import { h, replace } from "../dom.js";
import { formatDateTime, localized, t } from "../i18n.js";
import { categoryLabel, colourLabel, money, problemMessage } from "../ui.js";

function variantLabel(variant) {
  return [variant.size, colourLabel(variant.colour)].filter(Boolean).join(" · ") || variant.sku;
}

export async function productView({ id }) {
  const product = await api(`/api/catalog/products/${encodeURIComponent(id)}`);
  const variants = product.variants || [];
  let selected = variants.find((variant) => variant.available > 0) || variants[0];
  const stock = h("p", { class: "stock", id: "variant-stock", "aria-live": "polite" });
  const returned = h("div", { class: "returned-units" });
  const message = h("div", { class: "cart-message", role: "status", "aria-live": "polite" });
  const quantity = h("input", { id: "quantity", type: "number", min: 1, max: 99, value: 1, inputmode: "numeric" });
  const addButton = h("button", { type: "submit", class: "primary" }, t("product.add_to_cart"));

  const showVariant = () => {
    const available = selected?.available ?? 0;
    stock.textContent = available > 0
      ? available <= 3 ? t("product.stock_low", { count: available }) : t("product.in_stock", { count: available })
      : t("product.out_of_stock");
    stock.className = `stock ${available > 0 ? "ok" : "out"}`;
    addButton.disabled = available <= 0;
    replace(returned, (selected?.returned_units || []).map((unit) =>
      h("p", { class: "badge sanitized", dataset: { certificate: unit.certificate_id } },
        h("span", {}, t("product.returned_badge"), " — ", localized(unit.notice) || t("product.sanitized_on", { date: formatDateTime(unit.sanitized_at) }), " "),
        h("a", { href: `/certificats/${encodeURIComponent(unit.certificate_id)}`, "data-link": true }, t("product.see_certificate")))));
  };

  const variantPicker = variants.length > 1
    ? h("fieldset", { class: "variants" },
      h("legend", {}, t("product.variant")),
      variants.map((variant) =>
        h("label", { class: `variant-option${variant.available > 0 ? "" : " sold-out"}` },
          h("input", {
            type: "radio", name: "variant", value: variant.sku, checked: variant === selected,
            onchange: () => { selected = variant; showVariant(); },
          }),
          ` ${variantLabel(variant)}`,
          variant.available > 0 ? null : h("span", { class: "muted" }, ` (${t("product.out_of_stock")})`),
          variant.returned_units?.length ? h("span", { class: "muted" }, ` · ${t("product.returned_short")}`) : null)))
    : h("p", {}, variantLabel(selected || {}));

  const form = h(
    "form",
    {
      class: "buy",
      onsubmit: async (event) => {
        event.preventDefault();
        addButton.disabled = true;
        replace(message, t("common.saving"));
        try {
          await addToCart(selected.sku, Number(quantity.value) || 1);
          replace(message, h("span", { class: "ok" }, t("product.added")), " ", h("a", { href: "/panier", "data-link": true }, t("product.view_cart")));
        } catch (error) {
          replace(message, h("span", { class: "alert", role: "alert" }, problemMessage(error)));
        } finally {
          addButton.disabled = (selected?.available ?? 0) <= 0;
        }
      },
    },
    variantPicker,
    stock,
    h("div", { class: "field inline" }, h("label", { for: "quantity" }, t("product.quantity")), quantity),
    addButton,
    message,
  );
  showVariant();
  return h(
    "article",
    { class: "product-page", dataset: { productId: product.id } },
    h("nav", { class: "crumbs", "aria-label": t("product.crumbs") },
      h("a", { href: "/", "data-link": true }, t("nav.shop")), " › ",
      product.categories?.[0]
        ? h("a", { href: `/categories/${encodeURIComponent(product.categories[0])}`, "data-link": true }, categoryLabel(product.categories[0]))
        : null),
    h("div", { class: "product-layout" },
      h("div", { class: "product-art large", "aria-hidden": "true" }, (localized(product.name)[0] || "?").toUpperCase()),
      h("div", { class: "product-info" },
        h("h1", {}, localized(product.name)),
        h("p", { class: "product-brand" }, product.brand),
        h("p", { class: "price big", id: "product-price" }, money(product.price_minor, product.currency)),
        product.final_sale ? h("p", { class: "badge final" }, t("product.final_sale")) : null,
        returned,
        form,
        product.consult_available
          ? h("p", { class: "consult-cta" },
            h("a", { class: "button secondary", href: `/conseiller?produit=${encodeURIComponent(product.id)}`, "data-link": true }, t("product.book_demo")))
          : null,
        h("p", { class: "description" }, localized(product.description)))),
  );
}
