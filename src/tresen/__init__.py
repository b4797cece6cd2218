"""Tresen: customer service for online shops."""
