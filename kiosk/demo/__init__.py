"""Deterministic demo data: plans, projects, units and filed households; run ``python -m kiosk.demo.generate``."""
