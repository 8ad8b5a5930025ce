"""Stage 5, the classroom: an nbgrader course folder and the people in it.

``coursesetup`` (``new-course``, build paths), ``release``, ``roster`` (with
``rosterfile`` reading the file and ``chinesenames``) and
``collect``, ``releasefeedback`` (feedback without leaking the key), and
``simulate`` (a simulated class for the demo and the tests).  A class on
JupyterHub is ``autograder.hub``.
"""
