// Settings of the page that differ between development and production. In development the card
// form is localstripe's Stripe.js stand-in; a deployment replaces this file (served as-is by the
// edge) with the real Stripe.js URL and the shop's publishable key.
export const config = {
  stripeJsUrl: "http://127.0.0.1:8420/js.stripe.com/v3/",
  stripePublishableKey: "pk_test_vitrine_dev",
  // True only with the stand-in: its createPaymentMethod() does nothing, so the card number typed
  // is turned into the matching Stripe test PaymentMethod id (see payments.js).
  stripeStandIn: true,
};
