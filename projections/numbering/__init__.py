"""A university's register of reserved and paired NINAs, for its own staff."""
