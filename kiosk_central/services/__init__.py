"""Use cases of the central service; HTTP handlers and CLI commands call these and nothing else."""
