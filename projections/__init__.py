"""Read models: each event's rows and its tracking position commit in one transaction."""
