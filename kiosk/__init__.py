"""Kiosk: the public-housing counter application."""

__version__ = "0.1.0"
