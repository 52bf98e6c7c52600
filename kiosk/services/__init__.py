"""Use cases of the counter: no Qt here; widgets call these and render what they return."""
