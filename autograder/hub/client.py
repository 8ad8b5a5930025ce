"""A small HTTP client for one user of a class hub (tests, the benchmark, smoke checks).

Logs in through the hub's login form (PAM), starts the user's server,
takes a token for the user's own API, and speaks to the server's contents,
kernels and nbgrader Assignment List endpoints — what JupyterLab does.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import requests


class LoginFailed(RuntimeError):
    pass


@dataclass
class HubUser:
    base: str  # http://127.0.0.1:PORT
    name: str
    session: requests.Session = field(default_factory=requests.Session)
    token: str = ""
    spawn_seconds: float = 0.0

    # ---------------------------------------------------------------- hub
    def login(self, password: str) -> None:
        s = self.session
        s.get(f"{self.base}/hub/login", timeout=30)
        xsrf = s.cookies.get("_xsrf", path="/hub/") or s.cookies.get("_xsrf")
        r = s.post(f"{self.base}/hub/login?next=", data={"username": self.name, "password": password, "_xsrf": xsrf},
                   allow_redirects=False, timeout=60)
        if r.status_code not in (301, 302, 303) or not any(c.name.startswith("jupyterhub-session") or
                                                             c.name == "jupyterhub-hub-login" for c in s.cookies):
            raise LoginFailed(f"login of {self.name} refused (HTTP {r.status_code})")

    def _hub_api(self, method: str, path: str, **kw) -> requests.Response:
        headers = kw.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"token {self.token}"
        else:
            headers["X-XSRFToken"] = self.session.cookies.get("_xsrf", path="/hub/") or ""
        return self.session.request(method, f"{self.base}/hub/api{path}", headers=headers, timeout=120, **kw)

    def take_token(self) -> str:
        r = self._hub_api("POST", f"/users/{self.name}/tokens", json={"note": "kefu-hub client", "expires_in": 3600})
        r.raise_for_status()
        self.token = r.json()["token"]
        return self.token

    def spawn(self, timeout: float = 120) -> float:
        """Start the server (if not running) and wait until it answers; seconds taken."""
        started = time.perf_counter()
        r = self._hub_api("POST", f"/users/{self.name}/server")
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"spawn of {self.name}: HTTP {r.status_code} {r.text[:200]}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self._hub_api("GET", f"/users/{self.name}").json()
            server = info.get("servers", {}).get("", {})
            if server.get("ready"):
                self.spawn_seconds = time.perf_counter() - started
                return self.spawn_seconds
            if not server and info.get("server") is None and time.perf_counter() - started > 5:
                pass
            time.sleep(0.25)
        raise TimeoutError(f"server of {self.name} not ready after {timeout} s")

    # ---------------------------------------------------------------- own server
    def url(self, path: str, user: str | None = None) -> str:
        return f"{self.base}/user/{user or self.name}{path}"

    def api(self, method: str, path: str, user: str | None = None, **kw) -> requests.Response:
        headers = dict(kw.pop("headers", {}), Authorization=f"token {self.token}")
        return self.session.request(method, self.url(path, user), headers=headers, timeout=120,
                                    allow_redirects=False, **kw)

    def get_json(self, path: str, **kw):
        r = self.api("GET", path, **kw)
        r.raise_for_status()
        return r.json()

    def read_notebook(self, path: str) -> dict:
        return self.get_json(f"/api/contents/{path}?content=1")["content"]

    def write_notebook(self, path: str, nb: dict) -> None:
        r = self.api("PUT", f"/api/contents/{path}", data=json.dumps({"type": "notebook", "content": nb}))
        r.raise_for_status()

    def assignments(self, course_id: str) -> list[dict]:
        data = self.get_json(f"/assignments?course_id={course_id}")
        if not data.get("success"):
            raise RuntimeError(f"assignment list of {self.name}: {data.get('value')}")
        return data["value"]

    def assignment_action(self, action: str, course_id: str, assignment: str) -> dict:
        r = self.api("POST", f"/assignments/{action}", data={"course_id": course_id, "assignment_id": assignment})
        r.raise_for_status()
        data = r.json()
        if not data.get("success", True):
            raise RuntimeError(f"{action} {assignment} by {self.name}: {data.get('value')}")
        return data
