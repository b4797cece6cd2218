"""Shopware 6: app webhooks (signed with the shop secret) and the Admin API."""
