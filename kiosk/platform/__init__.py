"""Qt adapters for ports the services define: printing, speech."""
