"""Plain-Python building blocks, free of the ORM and of HTTP, so that they
can be tested on their own."""
