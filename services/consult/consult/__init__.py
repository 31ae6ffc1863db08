"""Consult: Advisors, availability, bookings, the instant queue, and live video calls."""
