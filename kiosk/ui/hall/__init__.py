"""Hall screens: passive public windows (projection, calling, board) that render a state they are given."""
