"""Housing rules and values: plain Python, no Qt, no storage."""
