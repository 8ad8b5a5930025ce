"""Stage 2, grading: from a notebook's text to a score, without running student code.

``answers``/``callanswers`` read an answer cell tolerantly, ``scoring`` holds
the multiple-choice policies, ``core`` grades one question (the same code
runs in the kernel, as ``autograder.autotest.run_test``, and in the
kernel-free grader) and ``outcome`` is what it decides.  ``grader`` loops
over a class, ``notebookgrader`` runs nbgrader's pipeline on one notebook
over the run's shared gradebook session (``session``), ``submissionfiles``
reads and copies the student's files and ``gradereport`` is what the run
did, with the course's config and gradebook from ``coursedir``;
``sourcenotebooks`` reads the questions (``question.Question``) back out of
``source/``, ``structure`` guards their order, and ``selfcheck``/``callreview``/
``callfeedback``/``feedbackexporter``
speak to the student.  The preprocessors live in ``autograder.preprocessors``,
the path nbgrader configs name.
"""
