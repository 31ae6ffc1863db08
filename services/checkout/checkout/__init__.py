"""Checkout: Carts, orders, taxes, Stripe payments and refunds."""
