"""WooCommerce: order webhooks (signed with base64 HMAC-SHA256) and the REST API v3."""
