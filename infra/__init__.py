"""Configuration, event store and database wiring; the composition root."""
