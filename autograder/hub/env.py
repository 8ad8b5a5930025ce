"""The shared environment every user's server and kernels run in.

A venv built from the system Python (``/usr/bin/python3``) under
``/opt/kefu-hub/venv``, world-readable, with the kit installed NON-editable:
students' kernels import the installed ``autograder`` package (rule packs,
self-check, widgets) and never the instructor's source tree or bank.
JupyterHub, the proxy, the idle culler and psycopg live in it too, so the hub
itself runs from the same place.  Rebuilt only when the kit's source changes.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import HubError
from ..messages import say

SYSTEM_PYTHON = Path("/usr/bin/python3")
# Measured choices (see README 「在学校服务器上开课」).
HUB_PACKAGES = [
    "jupyterhub==6.1.1",
    "configurable-http-proxy==0.4.0",  # the PyPI port of the proxy: no node needed
    "jupyterhub-idle-culler>=2",
    "psycopg[binary]>=3.1",
]
STAMP = "kefu-hub.json"


def project_root() -> Path | None:
    """The kit's source tree (with pyproject.toml) when the kit was installed from one.

    Read from the install record (PEP 610 ``direct_url.json``), not by walking up
    from the package: nothing is ever looked for next to the installed package.
    """
    from importlib.metadata import distributions
    from urllib.parse import unquote, urlparse

    for dist in distributions(name="kefu-autograder"):
        record = dist.read_text("direct_url.json")
        if not record:
            continue
        url = urlparse(json.loads(record).get("url", ""))
        if url.scheme != "file":
            continue
        root = Path(unquote(url.path))
        if (root / "pyproject.toml").is_file() and (root / "autograder").is_dir():
            return root
    return None


def _source_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted((root / "autograder").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    h.update((root / "pyproject.toml").read_bytes())
    h.update(json.dumps(HUB_PACKAGES).encode())
    return h.hexdigest()[:16]


def ensure_venv(venv: Path, kit: str | None = None, log=print) -> bool:
    """Build or update ``venv``; returns True when something was installed."""
    if not SYSTEM_PYTHON.exists():
        raise HubError(say(f"找不到 {SYSTEM_PYTHON}，请安装 Debian 的 python3", f"no {SYSTEM_PYTHON}: install Debian's python3")
                       + "：apt-get install python3 python3-venv")
    root = project_root()
    spec = kit or (str(root) if root else None)
    if spec is None:
        raise HubError(say("不知道从哪里安装套件：请用 --kit 指定路径或安装要求",
                           "cannot tell where the kit comes from: pass --kit PATH_OR_REQUIREMENT"))
    digest = _source_digest(Path(spec)) if Path(spec).is_dir() else spec
    stamp = venv / STAMP
    if stamp.exists() and json.loads(stamp.read_text()).get("kit") == digest:
        return False
    py = venv / "bin" / "python"
    if not py.exists():
        log(f"{say('正在建立共享环境，第一次要几分钟', 'building the shared environment, a few minutes the first time')}："
            f"{venv}，{SYSTEM_PYTHON}")
        venv.parent.mkdir(parents=True, exist_ok=True)
        r = subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)], capture_output=True, text=True)
        if r.returncode:
            shutil.rmtree(venv, ignore_errors=True)
            raise HubError(say("建立虚拟环境失败，请安装 python3-venv", "python3 -m venv failed: apt-get install python3-venv")
                           + f"：{r.stderr.strip()[-300:]}")
    else:
        log(f"{say('正在更新共享环境里的套件', 'updating the kit')}：{venv}")
    # Non-editable: a copy of the package in site-packages, readable by all.
    cmd = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "--no-warn-script-location", spec, *HUB_PACKAGES]
    if Path(spec).is_dir():
        cmd[cmd.index(spec)] = f"{spec}[postgres]"
    env = dict(os.environ, PIP_NO_INPUT="1")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode:
        raise HubError(f"{say('往共享环境里安装套件失败', 'pip install failed')}：{venv}\n{r.stderr.strip()[-1500:]}")
    subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
    stamp.write_text(json.dumps({"kit": digest, "python": sys.version.split()[0]}))
    return True


def venv_bin(venv: Path, name: str) -> str:
    return str(venv / "bin" / name)
