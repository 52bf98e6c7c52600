"""The HTTP/JSON API (FastAPI): thin handlers over kiosk_central.services."""
