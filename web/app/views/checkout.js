// Cart, checkout (address, province, card through Stripe.js), order confirmation and status.
import { api } from "../api.js";
import { cartRef, forgetCart, readCart, removeLine, setQuantity } from "../cart.js";
import { h, replace } from "../dom.js";
import { formatDateTime, formatLocale, localized, t } from "../i18n.js";
import { mountCard } from "../payments.js";
import { navigate } from "../router.js";
import { alertBox, field, money, problemMessage, setFieldError, showFieldErrors, status } from "../ui.js";

export const PROVINCES = ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"];
const PROVINCE_KEY = "vitrine.province";
const ORDERS_KEY = "vitrine.orders";
const PENDING_KEY = "vitrine.pending-order";

function savedProvince() {
  return localStorage.getItem(PROVINCE_KEY) || "QC";
}

function provinceSelect(id, value) {
  return h("select", { id, name: "province", autocomplete: "address-level1" },
    PROVINCES.map((code) => h("option", { value: code, selected: code === value }, t(`province.${code}`))));
}

/** Order capability tokens, kept so the shopper can come back to the order's page. */
export function orderToken(orderId) {
  try {
    return JSON.parse(localStorage.getItem(ORDERS_KEY) || "{}")[orderId] || null;
  } catch {
    return null;
  }
}

function rememberOrder(orderId, token) {
  const orders = JSON.parse(localStorage.getItem(ORDERS_KEY) || "{}");
  orders[orderId] = token;
  localStorage.setItem(ORDERS_KEY, JSON.stringify(orders));
}

function totalsTable(totals, currency) {
  return h("table", { class: "totals" },
    h("tbody", {},
      h("tr", {}, h("th", { scope: "row" }, t("cart.subtotal")), h("td", { dataset: { total: "subtotal" } }, money(totals.subtotal_minor, currency))),
      h("tr", {}, h("th", { scope: "row" }, t("cart.shipping")),
        h("td", { dataset: { total: "shipping" } }, totals.shipping_minor === 0 && totals.subtotal_minor > 0 ? t("cart.free") : money(totals.shipping_minor, currency))),
      (totals.taxes || []).map((tax) =>
        h("tr", { dataset: { tax: tax.code } }, h("th", { scope: "row" }, t("cart.tax_line", { name: t(`tax.${tax.code}`), rate: (Number(tax.rate) * 100).toLocaleString(formatLocale()) })),
          h("td", {}, money(tax.amount_minor, currency)))),
      !(totals.taxes || []).length && totals.tax_minor
        ? h("tr", { dataset: { tax: "all" } }, h("th", { scope: "row" }, t("cart.taxes")), h("td", {}, money(totals.tax_minor, currency)))
        : null,
      h("tr", { class: "grand" }, h("th", { scope: "row" }, t("cart.total")), h("td", { dataset: { total: "total" } }, money(totals.total_minor, currency)))));
}

export async function cartView() {
  const container = h("section", { class: "cart-page" });
  let province = savedProvince();
  const draw = (cart, notice) => {
    if (!cart || !cart.lines.length) {
      replace(container, h("h1", {}, t("cart.title")), notice, h("p", { class: "empty" }, t("cart.empty")),
        h("a", { href: "/", "data-link": true }, t("cart.continue")));
      return;
    }
    const currency = cart.totals.currency;
    const rows = cart.lines.map((line) => {
      const qty = h("input", {
        type: "number", min: 1, max: 99, value: line.quantity, id: `qty-${line.sku}`, inputmode: "numeric",
        onchange: async () => {
          const value = Number(qty.value);
          if (!Number.isInteger(value) || value < 1 || value > 99) {
            draw(cart, alertBox(t("cart.bad_quantity")));
            return;
          }
          await act(() => setQuantity(line.sku, value));
        },
      });
      return h("tr", { dataset: { sku: line.sku } },
        h("td", {}, localized(line.name), h("br"), h("small", { class: "muted" }, line.sku)),
        h("td", {}, money(line.unit_price_minor, currency)),
        h("td", {}, h("label", { for: qty.id, class: "visually-hidden" }, t("cart.quantity_of", { name: localized(line.name) })), qty),
        h("td", {}, money(line.amount_minor, currency)),
        h("td", {}, h("button", { type: "button", class: "link", onclick: () => act(() => removeLine(line.sku)),
          "aria-label": t("cart.remove_named", { name: localized(line.name) }) }, t("cart.remove"))));
    });
    const select = provinceSelect("cart-province", province);
    select.addEventListener("change", () => {
      province = select.value;
      localStorage.setItem(PROVINCE_KEY, province);
      act(() => readCart(province));
    });
    replace(container,
      h("h1", {}, t("cart.title")),
      notice,
      h("div", { class: "table-wrap" }, h("table", { class: "cart-lines" },
        h("thead", {}, h("tr", {}, ["cart.product", "cart.unit_price", "cart.quantity", "cart.amount", ""].map((key) => h("th", { scope: "col" }, key ? t(key) : "")))),
        h("tbody", {}, rows))),
      h("div", { class: "cart-summary card" },
        h("div", { class: "field inline" }, h("label", { for: "cart-province" }, t("cart.province")), select),
        totalsTable(cart.totals, currency),
        h("a", { class: "button primary", href: "/caisse", "data-link": true }, t("cart.checkout"))));
  };
  const act = async (call) => {
    try {
      const cart = await call();
      if (cart && province && cart.totals.province !== province) return draw(await readCart(province));
      draw(cart);
    } catch (error) {
      draw(await readCart(province).catch(() => null), alertBox(problemMessage(error)));
    }
  };
  replace(container, status());
  const cart = await readCart(province);
  draw(cart);
  return container;
}

export async function checkoutView() {
  const ref = cartRef();
  let pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || "null");
  const cart = ref ? await readCart(savedProvince()) : null;
  if (!pending && (!cart || !cart.lines.length)) {
    return h("section", {}, h("h1", {}, t("checkout.title")), h("p", {}, t("cart.empty")), h("a", { href: "/", "data-link": true }, t("cart.continue")));
  }
  const entries = {
    email: field(t("checkout.email"), h("input", { type: "email", name: "email", autocomplete: "email", required: true })),
    province: field(t("checkout.province"), provinceSelect("checkout-province", savedProvince())),
    "shipping_address.name": field(t("checkout.name"), h("input", { name: "name", autocomplete: "name", required: true })),
    "shipping_address.line1": field(t("checkout.line1"), h("input", { name: "line1", autocomplete: "address-line1", required: true })),
    "shipping_address.line2": field(t("checkout.line2"), h("input", { name: "line2", autocomplete: "address-line2" })),
    "shipping_address.city": field(t("checkout.city"), h("input", { name: "city", autocomplete: "address-level2", required: true })),
    "shipping_address.postal_code": field(t("checkout.postal_code"), h("input", { name: "postal_code", autocomplete: "postal-code", required: true })),
  };
  const summary = h("div", { class: "checkout-summary card", "aria-live": "polite" });
  const drawSummary = (totals) => replace(summary, h("h2", {}, t("checkout.summary")),
    cart ? h("ul", { class: "plain" }, cart.lines.map((line) => h("li", {}, `${line.quantity} × ${localized(line.name)}`))) : null,
    totalsTable(totals, totals.currency || "CAD"));
  if (cart) drawSummary(cart.totals);
  entries.province.input.addEventListener("change", async () => {
    localStorage.setItem(PROVINCE_KEY, entries.province.input.value);
    if (cart) drawSummary((await readCart(entries.province.input.value)).totals);
  });
  const cardSlot = h("div", { class: "card-element", id: "card-element" });
  const cardError = h("p", { class: "field-error", id: "card-error", role: "alert", hidden: true });
  const message = h("div", { class: "form-message", "aria-live": "assertive" });
  const pay = h("button", { type: "submit", class: "primary" }, t("checkout.pay"));
  let card = null;
  const form = h("form", { class: "checkout-form card", novalidate: true },
    h("fieldset", {}, h("legend", {}, t("checkout.contact")), entries.email.wrap, entries.province.wrap),
    h("fieldset", {}, h("legend", {}, t("checkout.shipping")),
      entries["shipping_address.name"].wrap, entries["shipping_address.line1"].wrap, entries["shipping_address.line2"].wrap,
      entries["shipping_address.city"].wrap, entries["shipping_address.postal_code"].wrap),
    h("fieldset", {}, h("legend", {}, t("checkout.card")),
      h("p", { class: "hint" }, t("checkout.card_hint")), cardSlot, cardError),
    message,
    pay);
  if (pending) {
    // A placed order waiting for a card: the address is fixed, only the card can change.
    for (const entry of Object.values(entries)) entry.input.disabled = true;
    replace(message, alertBox(t("checkout.retry_card")));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    pay.disabled = true;
    setFieldError({ input: cardSlot, error: cardError }, "");
    replace(message, status(t("checkout.paying")));
    try {
      if (!pending) {
        const values = Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, entry.input.value.trim()]));
        const placed = await api("/api/checkout/orders", {
          method: "POST",
          headers: { "X-Cart-Token": ref.cart_token },
          body: {
            cart_id: ref.cart_id, email: values.email, province: values.province,
            shipping_address: {
              name: values["shipping_address.name"], line1: values["shipping_address.line1"],
              line2: values["shipping_address.line2"] || null, city: values["shipping_address.city"],
              postal_code: values["shipping_address.postal_code"], country: "CA",
            },
          },
        });
        for (const entry of Object.values(entries)) setFieldError(entry, "");
        pending = { order_id: placed.order_id, order_token: placed.order_token, order_number: placed.order_number };
        rememberOrder(placed.order_id, placed.order_token);
        sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
        forgetCart();
        for (const entry of Object.values(entries)) entry.input.disabled = true;
        drawSummary(placed);
      }
      let paymentMethod;
      try {
        paymentMethod = await card.createPaymentMethod();
      } catch (error) {
        setFieldError({ input: cardSlot, error: cardError }, error.message);
        replace(message, "");
        return;
      }
      const order = await api(`/api/checkout/orders/${pending.order_id}/payments`, {
        method: "POST", headers: { "X-Order-Token": pending.order_token }, body: { payment_method: paymentMethod },
      });
      sessionStorage.removeItem(PENDING_KEY);
      navigate(`/commandes/${order.order_id}`);
    } catch (error) {
      if (error.status === 402) {
        const reason = error.problem.reason || error.problem.detail || "";
        replace(message, h("div", { class: "alert", role: "alert", dataset: { declined: "true" } },
          h("p", {}, h("strong", {}, t("checkout.declined"))), h("p", { class: "reason" }, t("checkout.reason", { reason })), h("p", {}, t("checkout.try_another"))));
      } else if (error.status === 422 && showFieldErrors(error, entries)) {
        replace(message, alertBox(t("problem.validation")));
      } else if (error.status === 409 && pending && error.problem.current_state === "paid") {
        sessionStorage.removeItem(PENDING_KEY);
        navigate(`/commandes/${pending.order_id}`);
      } else {
        replace(message, alertBox(problemMessage(error)));
      }
    } finally {
      pay.disabled = false;
    }
  });
  const page = h("section", { class: "checkout-page" }, h("h1", {}, t("checkout.title")),
    h("div", { class: "checkout-layout" }, form, summary));
  try {
    card = await mountCard(cardSlot);
  } catch (error) {
    replace(cardSlot, alertBox(error.message));
    pay.disabled = true;
  }
  return page;
}

const STATUS_CLASS = { paid: "ok", pending_payment: "wait", cancelled: "bad", refunded: "muted", partially_refunded: "muted" };

function orderDetails(order) {
  return h("section", { class: "order-page", dataset: { orderId: order.order_id } },
    h("h1", {}, t("order.title", { number: order.order_number })),
    h("p", { class: `order-status ${STATUS_CLASS[order.status] || ""}`, id: "order-status", role: "status" },
      t("order.status"), " ", h("strong", { dataset: { status: order.status } }, t(`order.status.${order.status}`))),
    order.status === "paid" ? h("p", { class: "ok" }, t("order.thanks", { email: order.email })) : null,
    order.payment_error && order.status !== "paid" ? alertBox(order.payment_error) : null,
    h("p", { class: "muted" }, t("order.placed_at", { date: formatDateTime(order.created_at) }),
      order.paid_at ? ` · ${t("order.paid_at", { date: formatDateTime(order.paid_at) })}` : ""),
    h("ul", { class: "plain order-lines" }, order.lines.map((line) =>
      h("li", {}, `${line.quantity} × ${localized(line.name)} — ${money(line.unit_price_minor * line.quantity, order.currency)}`))),
    totalsTable({ ...order, taxes: [] }, order.currency),
    h("p", {}, h("a", { href: "/retours", "data-link": true }, t("order.start_return"))));
}

export async function orderView({ id }) {
  const token = orderToken(id);
  if (!token) {
    return h("section", {}, h("h1", {}, t("order.lookup_title")), h("p", {}, t("order.no_token")), orderLookupForm());
  }
  const container = h("div", {});
  const load = () => api(`/api/checkout/orders/${encodeURIComponent(id)}`, { headers: { "X-Order-Token": token } });
  const order = await load();
  replace(container, orderDetails(order));
  // A card confirmed by Stripe.js is marked paid by the webhook: look again for a short while.
  if (order.status === "pending_payment") {
    (async () => {
      for (let attempt = 0; attempt < 10; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (!container.isConnected) return;
        const fresh = await load().catch(() => null);
        if (fresh) replace(container, orderDetails(fresh));
        if (fresh && fresh.status !== "pending_payment") return;
      }
    })();
  }
  return container;
}

function orderLookupForm() {
  const number = field(t("order.number"), h("input", { name: "order_number", required: true }));
  const email = field(t("checkout.email"), h("input", { type: "email", name: "email", autocomplete: "email", required: true }));
  const result = h("div", { "aria-live": "polite" });
  return h("div", {},
    h("form", {
      class: "form card",
      onsubmit: async (event) => {
        event.preventDefault();
        replace(result, status());
        try {
          const order = await api("/api/checkout/orders/lookup", { method: "POST", body: { order_number: number.input.value.trim(), email: email.input.value.trim() } });
          replace(result, orderDetails(order));
        } catch (error) {
          replace(result, alertBox(error.status === 404 ? t("order.not_found") : problemMessage(error)));
        }
      },
    }, number.wrap, email.wrap, h("button", { type: "submit" }, t("order.lookup"))),
    result);
}

export function orderLookupView() {
  return h("section", {}, h("h1", {}, t("order.lookup_title")), orderLookupForm());
}
