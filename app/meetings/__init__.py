"""Meeting history: reviews and conferences recorded by the tasks that held them."""
