"""Where each credential's status bits are, and how they changed (issue 13)."""
