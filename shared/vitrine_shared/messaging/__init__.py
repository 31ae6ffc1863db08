"""Transactional outbox, relay and idempotent consumers over RabbitMQ (pika).

pika is not thread-safe and not asyncio-native: every pika connection here lives in one thread
of its own, and nothing here is called from an `async def`.
"""
