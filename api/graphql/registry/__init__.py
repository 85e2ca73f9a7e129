"""The registry context in GraphQL: universities, programmes, students and their records (PIN-0)."""
