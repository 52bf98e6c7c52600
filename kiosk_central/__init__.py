"""The housing centre's central service that the counters' kiosks sync with (HTTP/JSON over SQLAlchemy)."""
