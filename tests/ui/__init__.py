"""UI tests: real widgets driven through the counter flow."""
