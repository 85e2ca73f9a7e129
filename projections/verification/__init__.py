"""SIVIL's own records beside its read model: spent challenges (PIN-6) and the processing trail (UU PDP).

They are not projections of the event log: no rebuild drops them, and they live in the read-model
database only so that every API process shares them, on SQLite and PostgreSQL alike.
"""
