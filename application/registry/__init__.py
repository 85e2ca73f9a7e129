"""The registry context: universities, programmes, students and their records, as PDDIKTI reports them."""
