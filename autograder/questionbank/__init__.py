"""Stage 4, the question bank: the course's questions as data, and the notebooks built from them.

(Not named ``bank/``: a folder of that name inside the installed package is
what the security tests look for as a leaked question bank.)

``load`` reads and validates ``exercises/bank/*.yaml`` (``callitem`` the
whole-call items), ``build`` writes the nbgrader source notebooks (each
question's hidden test calls ``run_test`` with its spec), and ``audit`` checks
the bank against the practice items.  The build sits above grading and
teaching because it writes what they read: the grading spec in the hidden
tests, the structure guard against the gradebook, the practice files.
"""
