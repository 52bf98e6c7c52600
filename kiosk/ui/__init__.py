"""Qt screens of the counter: they read widgets, call one service, and render what it returns."""
