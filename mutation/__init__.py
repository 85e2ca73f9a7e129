"""Mutation testing of the rule modules and rulesets: ``./run mutation`` (see README)."""
