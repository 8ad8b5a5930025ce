"""One class on one Linux server: JupyterHub, nbgrader's exchange, optional Postgres.

``python -m autograder hub up|down|reset|status`` (see :mod:`.commands`).
Each module does one job: :mod:`.layout` (where things live), :mod:`.accounts`
(unix users from the roster), :mod:`.env` (the shared venv students run in),
:mod:`.exchange` (exchange, per-class Jupyter config, chapters),
:mod:`.hubconfig` (jupyterhub_config.py), :mod:`.postgres` (a private
cluster for the gradebook), :mod:`.process` (start, stop, wait).
"""


class HubError(RuntimeError):
    """A problem the person running the command can fix; the message says how."""


__all__ = ["HubError"]
