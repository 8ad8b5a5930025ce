"""Stage 4, the question bank: the course's questions as data, and the notebooks built from them.

``load`` reads and validates ``exercises/bank/*.yaml`` (``callitem`` the
whole-call items), ``build`` writes the nbgrader source notebooks (each
question's hidden test calls ``run_test`` with its spec), and ``audit`` checks
the bank against the practice items.  The build sits above grading and
teaching because it writes what they read: the grading spec in the hidden
tests, the structure guard against the gradebook, the practice files.
"""
