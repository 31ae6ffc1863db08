// The shopper's cart, reached with its capability token (kept in localStorage so the cart
// survives a reload or a closed tab). Every change announces itself with a "cart-changed" event.
import { api } from "./api.js";

const KEY = "vitrine.cart";

export function cartRef() {
  try {
    const ref = JSON.parse(localStorage.getItem(KEY));
    return ref && ref.cart_id && ref.cart_token ? ref : null;
  } catch {
    return null;
  }
}

function saveRef(ref) {
  if (ref) localStorage.setItem(KEY, JSON.stringify({ cart_id: ref.cart_id, cart_token: ref.cart_token }));
  else localStorage.removeItem(KEY);
}

function announce(cart) {
  const count = cart ? cart.lines.reduce((sum, line) => sum + line.quantity, 0) : 0;
  localStorage.setItem("vitrine.cart.count", String(count));
  window.dispatchEvent(new CustomEvent("cart-changed", { detail: { cart, count } }));
}

export function cartCount() {
  return Number(localStorage.getItem("vitrine.cart.count") || 0);
}

function headers(ref) {
  return { "X-Cart-Token": ref.cart_token };
}

/** Forget the cart (after an order is placed, or when the server says it is gone). */
export function forgetCart() {
  saveRef(null);
  announce(null);
}

async function newCart() {
  const created = await api("/api/checkout/carts", { method: "POST", body: {} });
  saveRef(created);
  return created;
}

async function withCart(call, { create = true } = {}) {
  let ref = cartRef();
  if (!ref) {
    if (!create) return null;
    ref = await newCart();
  }
  try {
    const cart = await call(ref);
    announce(cart);
    return cart;
  } catch (error) {
    // Expired (410), unknown (404 on the cart itself) or no longer ours (403): start afresh once.
    const cartGone = error.status === 410 || error.status === 403 || (error.status === 404 && !error.problem.sku);
    if (!cartGone) throw error;
    forgetCart();
    if (!create) return null;
    ref = await newCart();
    const cart = await call(ref);
    announce(cart);
    return cart;
  }
}

/** The cart's reference, creating an empty cart when the shopper has none yet. */
export async function ensureCart() {
  const ref = cartRef();
  if (ref) {
    try {
      await api(`/api/checkout/carts/${ref.cart_id}`, { headers: headers(ref) });
      return ref;
    } catch (error) {
      if (![403, 404, 410].includes(error.status)) throw error;
      forgetCart();
    }
  }
  const created = await newCart();
  announce(created);
  return cartRef();
}

export function readCart(province) {
  const query = province ? `?province=${encodeURIComponent(province)}` : "";
  return withCart((ref) => api(`/api/checkout/carts/${ref.cart_id}${query}`, { headers: headers(ref) }), {
    create: false,
  });
}

export function addToCart(sku, quantity = 1) {
  return withCart((ref) =>
    api(`/api/checkout/carts/${ref.cart_id}/lines`, { method: "POST", body: { sku, quantity }, headers: headers(ref) }),
  );
}

export function setQuantity(sku, quantity) {
  return withCart((ref) =>
    api(`/api/checkout/carts/${ref.cart_id}/lines/${encodeURIComponent(sku)}`, {
      method: "PUT",
      body: { quantity },
      headers: headers(ref),
    }),
  );
}

export function removeLine(sku) {
  return withCart((ref) =>
    api(`/api/checkout/carts/${ref.cart_id}/lines/${encodeURIComponent(sku)}`, { method: "DELETE", headers: headers(ref) }),
  );
}

/** Attribute the cart to a consultation (the call page does this when a call starts). */
export function attachConsultSession(sessionId) {
  return withCart((ref) =>
    api(`/api/checkout/carts/${ref.cart_id}/consult-session`, {
      method: "PUT",
      body: { session_id: sessionId },
      headers: headers(ref),
    }),
  );
}
