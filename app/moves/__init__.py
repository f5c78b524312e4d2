"""Moving running cases between versions of a process (a dry run, then a batch), and back."""
