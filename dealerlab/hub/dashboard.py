"""The class dashboard as a JupyterHub service for trainers: ``python -m dealerlab.hub.dashboard``.

The hub starts it (``c.JupyterHub.services`` in :data:`dealerlab.hub.CONFIG`) and routes
``/services/dealerlab-dashboard/`` to it. Sign-in is the hub's own OAuth (:class:`jupyterhub.services.auth.HubOAuth`):
only users holding the scope ``access:services!service=dealerlab-dashboard`` get in — the hub's admins and the
``trainers`` group, through the ``dealerlab-trainer`` role of the shipped configuration; a trainee gets a Chinese
"讲师才能查看" page. The page is the same dashboard as ``dealerlab classroom``'s
(:func:`dealerlab.exercises.dashboard.dashboard_body`), computed from every trainee's answers folder (the glob in
``DEALERLAB_HUB_ANSWERS``, e.g. ``/home/*/dealerlab-answers``) and, for "who is online", from the hub's API (the
service's own token, scopes ``list:users``, ``read:users:activity``, ``read:servers``).

Environment (set by the hub for a managed service, plus dealerlab's own):

``JUPYTERHUB_SERVICE_URL``, ``JUPYTERHUB_SERVICE_PREFIX``, ``JUPYTERHUB_API_URL``, ``JUPYTERHUB_API_TOKEN``
    From the hub.
``DEALERLAB_HUB_ANSWERS``
    Glob of the answers folders (one per trainee's home).
``DEALERLAB_HUB_EXERCISES``
    Folder of the trainee notebooks (for the titles trainees see).
"""

from __future__ import annotations

import glob
import html
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from dealerlab.exercises.dashboard import collect_many, dashboard_body, exercise_list, page, recent_work
from dealerlab.exercises.gradebook import known_exercises
from dealerlab.i18n import Catalogue

__all__ = ["answer_roots", "main", "online_users"]

_MSG = Catalogue.load("hub/dashboard")

REFRESH = 15
#: seconds since a server's last activity that still count as "online"
ONLINE_WITHIN = 900


def answer_roots(pattern: str) -> list[Path]:
    """The answers folders matching ``pattern`` (a glob such as ``/home/*/dealerlab-answers``).

    Parameters
    ----------
    pattern : str
        Glob; several separated by ``os.pathsep``.

    Returns
    -------
    list of Path
        Existing folders, sorted.
    """
    out: set[Path] = set()
    for part in (pattern or "").split(os.pathsep):
        if part.strip():
            out.update(Path(p) for p in glob.glob(os.path.expanduser(part.strip())) if Path(p).is_dir())
    return sorted(out)


def online_users(users: list[dict], *, now: float | None = None, within: float = ONLINE_WITHIN) -> tuple[set, set]:
    """Trainees whose server was active in the last ``within`` seconds, and the trainers (admins, ``trainers`` group).

    Parameters
    ----------
    users : list of dict
        User models of the hub's ``GET /users`` (with ``servers``, ``admin``, ``groups``).
    now : float, optional
        Epoch seconds of "now".
    within : float
        Seconds of inactivity still counted as online.

    Returns
    -------
    (set of str, set of str)
        Online trainees; trainers (left out of the trainee table).
    """
    now = time.time() if now is None else now
    online, trainers = set(), set()
    for u in users:
        name = u.get("name")
        if not isinstance(name, str):
            continue
        if u.get("admin") or "trainers" in (u.get("groups") or []):
            trainers.add(name)
            continue
        for server in (u.get("servers") or {}).values():
            last = server.get("last_activity") if isinstance(server, dict) else None
            try:
                seen = datetime.fromisoformat(str(last).replace("Z", "+00:00")).timestamp()
            except ValueError:
                continue
            if server.get("ready") and now - seen <= within:
                online.add(name)
    return online, trainers


def _app():
    from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
    from jupyterhub.utils import url_path_join
    from tornado import web
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest

    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/dealerlab-dashboard/")
    pattern = os.environ.get("DEALERLAB_HUB_ANSWERS", "/home/*/dealerlab-answers")
    exercises = os.environ.get("DEALERLAB_HUB_EXERCISES", "")

    class DashboardHandler(HubOAuthenticated, web.RequestHandler):
        """The dashboard page (trainers only: the hub's access scope for this service)."""

        async def _users(self) -> list[dict]:
            auth = self.hub_auth
            req = HTTPRequest(url_path_join(auth.api_url, "users") + "?state=active",
                              headers={"Authorization": f"token {auth.api_token}"}, request_timeout=10)
            try:
                resp = await AsyncHTTPClient().fetch(req)
                data = json.loads(resp.body)
            except Exception as err:  # the page still shows the answers when the hub does not answer
                self.log.warning("dealerlab dashboard: hub API not reachable (%s)", err)
                return []
            return data if isinstance(data, list) else data.get("items", [])

        @web.authenticated
        async def get(self):
            users = await self._users()
            online, trainers = online_users(users)
            records, skipped = collect_many(answer_roots(pattern))
            records = [r for r in records if r["trainee"] not in trainers]
            titles = {k: getattr(ex, "title", "") for k, ex in known_exercises().items()}
            on = recent_work(records, titles=titles)
            for name in online:
                on.setdefault(name, [_MSG.text("online_no_answer")])
            who = self.current_user.get("name", "") if isinstance(self.current_user, dict) else ""
            bar = (f"<div class='who'>{_esc(_MSG.text('trainer'))}<b id='dl-who'>{_esc(who)}</b>"
                   f"<a href='{_esc(url_path_join(os.environ.get('JUPYTERHUB_BASE_URL', '/'), 'hub/home'))}'>{_esc(_MSG.text('back_to_hub'))}</a></div>")
            n_ex = len(exercise_list(exercises)) if exercises else 0
            note = f"<p class='note'>{_esc(_MSG.get('note', 'zh', n_exercises=n_ex, n_folders=len(answer_roots(pattern))))}</p>"
            self.write(page(_MSG.text("title"), bar + dashboard_body(records, skipped, on=on, refresh=REFRESH,
                                                                   doing=_MSG.text("doing")) + note, refresh=REFRESH))

        def write_error(self, status_code, **kwargs):
            text = _MSG.text("forbidden" if status_code == 403 else "error")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            title = _MSG.text("title")
            self.finish(page(title, f"<h1>{_esc(title)}</h1><p class='error' id='dl-dash-error'>{_esc(text)}</p>"))

    return web.Application(
        [(prefix, DashboardHandler), (prefix.rstrip("/"), web.RedirectHandler, {"url": prefix}),
         (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler)],
        cookie_secret=os.urandom(32),
    )


def _esc(text: str) -> str:
    return html.escape(str(text))


def main(argv=None) -> int:
    """Serve the dashboard where the hub says (``JUPYTERHUB_SERVICE_URL``) until stopped.

    Parameters
    ----------
    argv : list of str, optional
        Unused (the hub passes everything through the environment).

    Returns
    -------
    int
        Exit status.
    """
    from tornado.ioloop import IOLoop

    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    app = _app()
    app.listen(url.port or 80, url.hostname or "127.0.0.1", xheaders=True)
    print(f"dealerlab class dashboard on {url.geturl()}", file=sys.stderr, flush=True)
    IOLoop.current().start()
    return 0


if __name__ == "__main__":  # pragma: no cover - started by the hub
    sys.exit(main())
