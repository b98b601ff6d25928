"""JupyterHub configuration for a dealerlab cohort (a company academy of 100–300 managers).

One single-user server per trainee, the exercise app (Voilà) as the landing page, answers in each trainee's home
(``~/dealerlab-answers/<name>/``), trainees' names = their hub user names. Use it as is, or copy it and change the
marked lines. Settings come from environment variables so one file serves The Littlest JupyterHub (TLJH), Zero to
JupyterHub (Z2JH: put the same lines under ``hub.extraConfig``) and the CI test:

``DEALERLAB_HUB_EXERCISES``
    Folder of the trainee notebooks, readable by every user (TLJH: ``/opt/dealerlab/exercises``; default: the
    ``exercises/`` folder of this project).
``DEALERLAB_HUB_AUTH``
    ``firstuse`` (default: a trainee picks a password at the first login; only names on the allow list, if one is
    given) or ``company`` (keep the authenticator configured elsewhere, e.g. LDAP or OAuth of the company).
``DEALERLAB_HUB_USERS``
    Comma-separated allowed user names (the class list); empty = anyone who comes first with a new name.
``DEALERLAB_HUB_ADMINS``
    Comma-separated admin names (they run the hub; they also see the class dashboard).
``DEALERLAB_HUB_TRAINERS``
    Comma-separated trainer names: the ``trainers`` group, who open the class dashboard
    (``/services/dealerlab-dashboard/``) without being admins.
``DEALERLAB_HUB_ANSWERS``
    Glob of every trainee's answers folder, read by the dashboard (default ``/home/*/dealerlab-answers``; the simple
    spawner: ``<homes>/*/dealerlab-answers``). The dashboard runs as the hub's user, which can read the homes.
``DEALERLAB_HUB_SPAWNER``
    ``local`` (default: one system user per trainee, as TLJH does with its own spawner) or ``simple`` (everything runs
    as the hub's user with homes under ``/tmp/dealerlab-hub/<name>``: for the CI test and a trial on a laptop only).
``DEALERLAB_HUB_IP`` / ``DEALERLAB_HUB_PORT``
    Where the hub listens (default ``0.0.0.0:8000``).
"""

import os
import sys
from pathlib import Path

try:
    c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file
except NameError:  # imported as a module (tests, documentation): build the same config object
    from traitlets.config import Config

    c = Config()


def _list(name):
    return {x.strip() for x in os.environ.get(name, "").split(",") if x.strip()}


_project = Path(__file__).resolve().parents[2]
EXERCISES = os.environ.get("DEALERLAB_HUB_EXERCISES") or str(_project / "exercises")

c.JupyterHub.ip = os.environ.get("DEALERLAB_HUB_IP", "0.0.0.0")
c.JupyterHub.port = int(os.environ.get("DEALERLAB_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
# the spawn page follows the server's start through one long request (an event stream): let the proxy wait for it
# (the Python configurable-http-proxy otherwise drops it after about 20 s, while a server takes 20–60 s to start)
c.ConfigurableHTTPProxy.command = ["configurable-http-proxy", "--timeout=300000", "--proxy-timeout=300000"]

# -- who: first-use passwords (or the company's authenticator) ---------------------------------------------------
if os.environ.get("DEALERLAB_HUB_AUTH", "firstuse") == "firstuse":
    c.JupyterHub.authenticator_class = "firstuseauthenticator.FirstUseAuthenticator"
    c.FirstUseAuthenticator.create_users = True
    c.FirstUseAuthenticator.min_password_length = 6
users = _list("DEALERLAB_HUB_USERS")
if users:
    c.Authenticator.allowed_users = users
else:
    c.Authenticator.allow_all = True
c.Authenticator.admin_users = _list("DEALERLAB_HUB_ADMINS")

# -- one single-user server per trainee ----------------------------------------------------------------------------
if os.environ.get("DEALERLAB_HUB_SPAWNER", "local") == "simple":
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = os.environ.get("DEALERLAB_HUB_HOMES", "/tmp/dealerlab-hub") + "/{username}"
    c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
else:
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.notebook_dir = EXERCISES
# the exercise list in Chinese (dealerlab's server extension) instead of JupyterLab; exercises open in Voilà
c.Spawner.default_url = "/dealerlab/"
c.Spawner.args = ["--ServerApp.jpserver_extensions=dealerlab.exercises.classroom_server=True"]
if os.environ.get("DEALERLAB_HUB_SPAWNER") == "simple" and hasattr(os, "geteuid") and os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")  # containers and CI run as root (the simple spawner keeps the hub's user)


def _environment(spawner):
    """Answers in the trainee's home, saved under the hub user name (no name prompt)."""
    home = getattr(spawner, "home_dir", None) or os.path.expanduser(f"~{spawner.user.name}")
    return {
        "DEALERLAB_ANSWERS_DIR": str(Path(home) / "dealerlab-answers"),
        "DEALERLAB_TRAINEE": spawner.user.name,
        "DEALERLAB_EXERCISE_LIST": "1",  # each exercise links back to the Chinese exercise list
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }


c.Spawner.environment = {k: (lambda spawner, k=k: _environment(spawner)[k]) for k in
                         ("DEALERLAB_ANSWERS_DIR", "DEALERLAB_TRAINEE", "DEALERLAB_EXERCISE_LIST", "PYTHONPATH")}
# bounded memory: each trainee's server drops idle page kernels (a closed tab) after 3 minutes
c.Spawner.args += ["--MappingKernelManager.cull_idle_timeout=180", "--MappingKernelManager.cull_interval=30",
                   "--MappingKernelManager.cull_connected=False"]
c.Spawner.mem_limit = "1G"  # enforced by TLJH's systemd spawner and by Kubernetes (Z2JH); ignored by local spawners
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# -- the class dashboard for trainers: a hub-managed service behind the hub's OAuth --------------------------------
# /services/dealerlab-dashboard/ shows who is online, first-try scores and the most common wrong answers of every
# trainee's answers folder; only the scope access:services!service=dealerlab-dashboard gets in (admins have it; the
# dealerlab-trainer role gives it to the trainers group)
DASHBOARD = "dealerlab-dashboard"
if os.environ.get("DEALERLAB_HUB_SPAWNER") == "simple":
    _answers = os.environ.get("DEALERLAB_HUB_HOMES", "/tmp/dealerlab-hub") + "/*/dealerlab-answers"
else:
    _answers = "/home/*/dealerlab-answers"
c.JupyterHub.services = [{
    "name": DASHBOARD,
    "display": True,  # listed on the hub's 控制台 (Services menu) for those who may open it
    "oauth_no_confirm": True,
    "url": "http://127.0.0.1:" + os.environ.get("DEALERLAB_HUB_DASHBOARD_PORT", "10101"),
    "command": [sys.executable, "-m", "dealerlab.hub.dashboard"],
    "environment": {
        "DEALERLAB_HUB_ANSWERS": os.environ.get("DEALERLAB_HUB_ANSWERS", _answers),
        "DEALERLAB_HUB_EXERCISES": EXERCISES,
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    },
}]
# the hub's 403 page in Chinese when a trainee opens the dashboard (templates/error.html extends the hub's own)
c.JupyterHub.template_paths = [str(Path(__file__).resolve().with_name("templates"))]
c.JupyterHub.load_groups = {"trainers": {"users": sorted(_list("DEALERLAB_HUB_TRAINERS"))}}
c.JupyterHub.load_roles = [
    {"name": "dealerlab-trainer", "description": "Open the dealerlab class dashboard",
     "scopes": [f"access:services!service={DASHBOARD}"], "groups": ["trainers"],
     "users": sorted(_list("DEALERLAB_HUB_ADMINS"))},
    {"name": "dealerlab-dashboard", "description": "The dashboard service reads who is online",
     "scopes": ["list:users", "read:users", "read:servers"],
     "services": [DASHBOARD]},
]
if users:  # the trainers must be allowed to sign in, too
    c.Authenticator.allowed_users = users | _list("DEALERLAB_HUB_TRAINERS")
