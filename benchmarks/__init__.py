"""Speed and memory against raw baselines measured in the same run (issue 8): ``./run bench [--quick]``."""
