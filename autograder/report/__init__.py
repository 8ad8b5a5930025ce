"""Stage 6, the report: the gradebook read back and written out for the instructor.

``table`` is the score-table model every writer shows, ``export`` reads the
gradebook and the autograded answers and drives the writers (CSV, ``xlsx``
with its sheets in ``xlsxscores``/``xlsxanalysis``/``xlsxnotes``, ``charts``);
``analytics`` holds the item statistics, ``rulestats`` the rule frequency and
``frames`` the pandas tables behind ``autograder.scores``.
"""
