"""Modal dialogs of the counter; each opens through an ``ask(...)`` classmethod that tests can patch."""
