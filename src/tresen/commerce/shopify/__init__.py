"""Shopify: orders, fulfillments and refunds through the Admin REST API and its webhooks."""
