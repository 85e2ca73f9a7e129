"""Open credentials (issue 13): the status lists' key, and issuing signed credentials from the read models."""
