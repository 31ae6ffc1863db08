// Card entry through Stripe.js. The card number never reaches our services: Stripe.js turns it
// into a PaymentMethod id, which checkout confirms. In development the script is localstripe's
// stand-in, whose createPaymentMethod() is an empty stub; there the typed test card is checked
// with createToken() (the stand-in's real call to localstripe) and mapped to the Stripe test
// PaymentMethod of the same card, which is what the real Stripe.js would have produced.
import { config } from "./config.js";
import { t } from "./i18n.js";

let loading = null;

function loadStripeJs() {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = config.stripeJsUrl;
    script.onload = () => resolve(window.Stripe);
    script.onerror = () => {
      loading = null;
      reject(new Error(t("checkout.card_unavailable")));
    };
    document.head.append(script);
  });
  return loading;
}

const STAND_IN_TEST_CARDS = {
  "4242424242424242": "pm_card_visa",
  "4000000000000341": "pm_card_chargeCustomerFail",
  "4000000000000002": "pm_card_visa_chargeDeclined",
};

const PART_LABELS = {
  number: "checkout.card_number", exp_month: "checkout.card_exp_month", exp_year: "checkout.card_exp_year",
  cvc: "checkout.card_cvc", postal_code: "checkout.card_postal",
};

/** Mounts a card field into `container`; resolves to {createPaymentMethod()}. */
export async function mountCard(container) {
  const Stripe = await loadStripeJs();
  const stripe = Stripe(config.stripePublishableKey);
  const card = stripe.elements().create("card", { hidePostalCode: false });
  card.mount(container);
  // The stand-in's inputs carry only placeholders: name them for screen readers and tests.
  for (const input of container.querySelectorAll("input")) {
    const key = PART_LABELS[input.getAttribute("placeholder")];
    if (key) {
      input.setAttribute("aria-label", t(key));
      input.setAttribute("inputmode", "numeric");
      input.setAttribute("autocomplete", "off");
    }
  }
  return {
    async createPaymentMethod() {
      const result = await stripe.createPaymentMethod({ type: "card", card });
      if (result?.error) throw new Error(result.error.message || t("checkout.card_invalid"));
      if (result?.paymentMethod) return result.paymentMethod.id;
      if (!config.stripeStandIn) throw new Error(t("checkout.card_invalid"));
      const token = await stripe.createToken(card);
      if (token.error) throw new Error(t("checkout.card_invalid"));
      const number = (card.value?.card?.number || "").replace(/\s/g, "");
      const id = STAND_IN_TEST_CARDS[number];
      if (!id) throw new Error(t("checkout.card_test_only"));
      return id;
    },
  };
}
