"""Regression tests for defects found by outside checks (issue 7): one module per defect, named after it."""
