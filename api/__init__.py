"""GraphQL, HTTP and the command line: built from command results and read-model rows only."""
