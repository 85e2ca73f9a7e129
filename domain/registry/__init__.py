"""The PDDIKTI registry: universities, their programmes, and students with their academic records."""
