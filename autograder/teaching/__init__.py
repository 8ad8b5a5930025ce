"""Stage 3, teaching: what the chapter notebooks in ``course/`` show.

``charts`` (course figures) and ``fonts`` (Chinese labels), ``roleplay`` and
``printables`` (role-play cards, call scripts, reference cards).  The practice
widgets stay at ``autograder.widgets``, the path chapter notebooks import.
"""
