"""Stage 6, the report: the gradebook read back and written out for the instructor.

``table`` is the score-table model every writer shows, ``export`` reads the
gradebook and the autograded answers and drives the writers (CSV, ``xlsx``,
``charts``); ``analytics`` holds the statistics and ``frames`` the pandas
tables behind ``autograder.scores``.
"""
