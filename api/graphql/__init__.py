"""The GraphQL schema: mutations run commands, queries read read models."""
