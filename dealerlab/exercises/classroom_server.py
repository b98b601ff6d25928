"""The classroom server: the exercise app for a whole class, built from Jupyter Server's and Voilà's own parts.

Imported only inside the server process started by ``dealerlab classroom`` (never by the package at import time).
Nothing here is a web framework of its own; each piece is a documented extension point:

* **Who is who** — a Jupyter Server ``IdentityProvider`` (:class:`ClassroomIdentityProvider`): the login page asks for
  a name and the class's join code (a second, trainer code opens the class dashboard); the user lives in Jupyter
  Server's signed login cookie. Its logout page is the "不是你？" switch.
* **What a trainee may do** — a Jupyter Server ``Authorizer`` (:class:`ClassroomAuthorizer`): a trainee reaches only
  the kernels started for his own pages (no kernel list, no contents API, no terminals, no other trainee's kernel).
* **Whose answers** — Voilà's ``prelaunch_hook`` sees the request (and so the user) before the page's kernel starts;
  the kernel manager (:class:`ClassroomKernelManager`, a ``MappingKernelManager``) then starts that kernel with the
  trainee's name in its environment (``DEALERLAB_TRAINEE``, as Voilà hands request details to kernels through their
  environment), so :class:`~dealerlab.exercises.store.AnswerStore` saves into ``<answers>/<trainee>/`` server-side.
  No code is added to the notebooks.
* **Bounded memory** — the kernel manager's own culling (``cull_idle_timeout``, ``cull_interval``; a closed tab has no
  connection, so its kernel goes after the timeout) and a cap of kernels per trainee (the oldest page's kernel is shut
  down when a trainee opens one page too many). Voilà's pre-heated kernel pool is not used: it runs the notebook before
  any request, so before anyone knows whose answers the page shows (Voilà refuses ``preheat_kernel`` together with a
  ``prelaunch_hook`` for the same reason).
* **The trainer's pages** — Jupyter Server handlers added by this server extension: ``/dealerlab/`` (the exercise list in
  Chinese, instead of Voilà's English file tree) and ``/dealerlab/dashboard`` (the live class dashboard).
"""

from __future__ import annotations

import contextvars
import hmac
import html
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.auth.login import LoginFormHandler
from jupyter_server.auth.logout import LogoutHandler
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.escape import url_escape
from traitlets import Integer, Unicode, default

from dealerlab.exercises.dashboard import collect_many, dashboard_body, exercise_groups, exercise_list, page
from dealerlab.exercises.mydata import MIN_COMPARISON, class_comparison, uses_own_data
from dealerlab.exercises.store import ENV_DIR, ENV_TRAINEE
from dealerlab.i18n import Catalogue

TRAINER = "trainer:"
TRAINEE = "trainee:"
ENV_CLASSROOM = "DEALERLAB_CLASSROOM"


@dataclass(frozen=True)
class _Who:
    username: str
    name: str
    notebook: str


#: the user of the request being rendered (set by the pre-launch hook, read by the kernel manager in the same task)
_REQUEST_USER: contextvars.ContextVar[_Who | None] = contextvars.ContextVar("dealerlab_request_user", default=None)


def normalise_code(text: str) -> str:
    """A typed join code as compared: full-width letters, spaces and case do not matter."""
    return re.sub(r"[\s-]+", "", unicodedata.normalize("NFKC", str(text or ""))).upper()


def clean_name(text: str) -> str:
    """A trainee's name as typed, tidied (NFC, one space, at most 20 characters); "" when unusable."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text or ""))).strip()
    name = re.sub(r"[\x00-\x1f\x7f<>\"'`\\/]", "", name)[:20].strip()
    return name


def is_trainer(user) -> bool:
    return bool(user) and getattr(user, "username", "").startswith(TRAINER)


# ----------------------------------------------------------------------------------------------------------------
# pages
_page = page
_MSG = Catalogue.load("exercises/classroom_server")


class JoinHandler(LoginFormHandler):
    """The landing page: name + join code (Jupyter Server's login form, in Chinese)."""

    def _render(self, message=None):
        error = getattr(self, "_dealerlab_error", None) or ("" if not message else _MSG.text("join_refused"))
        nxt = self.get_argument("next", default=self.base_url + "dealerlab/")
        body = (
            f"<h1>{_MSG.text('join_title')}</h1><p>{_MSG.text('join_intro')}</p>"
            + (f"<p class='error' id='dl-join-error'>{html.escape(error)}</p>" if error else "")
            + f"<form method='post' action='{html.escape(self.base_url)}login?next={url_escape(nxt)}'>"
            + f"<input type='hidden' name='_xsrf' value='{html.escape(self.xsrf_token.decode())}'>"
            + f"<label for='dl-name'>{_MSG.text('name')}</label>"
            + "<input id='dl-name' name='name' autocomplete='name' maxlength='20' required>"
            + f"<label for='dl-code'>{_MSG.text('code')}</label>"
            + "<input id='dl-code' name='code' autocomplete='off' maxlength='16' required>"
            + f"<br><button type='submit' id='dl-join'>{_MSG.text('join_button')}</button></form>"
        )
        self.write(_page(_MSG.text("join_title"), body))


class LeaveHandler(LogoutHandler):
    """「不是你？」: forget the name in this browser and go back to the landing page."""

    @allow_unauthenticated
    def get(self):
        self.identity_provider.clear_login_cookie(self)
        self.redirect(self.base_url + "login")


class ClassroomIdentityProvider(IdentityProvider):
    """Trainees are who they say they are, once they know the class's join code; the trainer code marks the trainer."""

    join_code = Unicode("", config=True, help="The code trainees type to join (shown by dealerlab classroom).")
    trainer_code = Unicode("", config=True, help="The code that opens the class dashboard.")

    @default("token")
    def _no_token(self):
        return ""  # no token URLs: the join code is the way in

    @default("login_handler_class")
    def _login_default(self):
        return JoinHandler

    @default("logout_handler_class")
    def _logout_default(self):
        return LeaveHandler

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    def process_login_form(self, handler) -> User | None:
        name = clean_name(handler.get_argument("name", default=""))
        code = normalise_code(handler.get_argument("code", default=""))
        if not name:
            handler._dealerlab_error = _MSG.text("name_missing")
            return None
        if self.trainer_code and hmac.compare_digest(code, normalise_code(self.trainer_code)):
            return User(username=TRAINER + name, name=name, display_name=name)
        if self.join_code and hmac.compare_digest(code, normalise_code(self.join_code)):
            return User(username=TRAINEE + name, name=name, display_name=name)
        handler._dealerlab_error = _MSG.text("code_wrong")
        self.log.warning("classroom: a join with a wrong code was refused")
        return None

    def validate_security(self, app, ssl_options=None) -> None:  # the join code is the security here
        return None


class ClassroomAuthorizer(Authorizer):
    """A trainee reaches only his own pages' kernels; the trainer reaches everything."""

    _KERNEL = re.compile(r"/api/kernels/([0-9a-f-]{36})")

    def is_authorized(self, handler, user, action, resource) -> bool:
        if is_trainer(user):
            return True
        if resource == "kernels":
            m = self._KERNEL.search(handler.request.path)
            km = handler.settings.get("kernel_manager")
            owner = km.owner(m.group(1)) if (m and hasattr(km, "owner")) else None
            return owner is not None and owner == getattr(user, "username", None)
        return resource in ("kernelspecs", "config", "api") and action == "read"


class ClassroomKernelManager(AsyncMappingKernelManager):
    """Starts each page's kernel with its trainee's name; at most ``max_kernels_per_trainee`` per trainee."""

    max_kernels_per_trainee = Integer(4, config=True, help="Kernels one trainee may hold (oldest page closed first).")
    first_connect_grace = Integer(600, config=True, help=(
        "Seconds a new kernel may wait for its page to connect before culling may take it: Voilà runs the whole "
        "notebook before the page connects, and under load (30 pages starting at once on a 2-core laptop, R6) that "
        "took over 3 minutes; a page culled before it connects is dead to its trainee. The per-trainee cap still "
        "bounds the kernels of pages closed before they connected."))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._owners: dict[str, dict] = {}

    def owner(self, kernel_id: str) -> str | None:
        info = self._owners.get(kernel_id)
        return info["username"] if info and kernel_id in self else None

    def activity(self) -> list[dict]:
        """Live kernels with their trainee, notebook, start and last activity (for the dashboard)."""
        out = []
        for kid, info in list(self._owners.items()):
            if kid not in self:
                self._owners.pop(kid, None)
                continue
            kernel = self._kernels.get(kid)
            last = getattr(kernel, "last_activity", None)
            out.append({**info, "kernel_id": kid, "last_activity": last.timestamp() if last else info["started"],
                        "connections": int(self._kernel_connections.get(kid, 0))})
        return out

    def notify_connect(self, kernel_id):
        """A page connected to its kernel (Jupyter Server calls this for every websocket)."""
        info = self._owners.get(kernel_id)
        if info is not None:
            info["connected"] = True
        return super().notify_connect(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id):
        """Culling as Jupyter Server does it, except a kernel whose page has not connected yet, for a grace period."""
        info = self._owners.get(kernel_id)
        if info is not None and not info.get("connected") and \
                time.time() - info["started"] < self.cull_idle_timeout + self.first_connect_grace:
            return None
        kernel = self._kernels.get(kernel_id)
        if kernel is None or kernel._trait_values.get("last_activity") is None:
            return None  # still starting (no activity yet): Jupyter Server's culler would log a traceback
        return await super().cull_kernel_if_idle(kernel_id)

    async def start_kernel(self, *args, **kwargs):
        who = _REQUEST_USER.get()
        if who is not None:
            mine = sorted((i["started"], kid) for kid, i in self._owners.items()
                          if i["username"] == who.username and kid in self)
            while len(mine) >= max(1, self.max_kernels_per_trainee):
                _started, oldest = mine.pop(0)
                self.log.info("classroom: %s holds too many pages; closing the oldest kernel", who.username)
                try:
                    await self.shutdown_kernel(oldest, now=True)
                except Exception:  # already gone
                    pass
                self._owners.pop(oldest, None)
            env = dict(kwargs.get("env") or os.environ)
            env[ENV_TRAINEE] = who.name
            env[ENV_CLASSROOM] = "1"
            kwargs["env"] = env
        kernel_id = await super().start_kernel(*args, **kwargs)
        if who is not None:
            self._owners[kernel_id] = {"username": who.username, "name": who.name, "notebook": who.notebook,
                                       "started": time.time()}
        return kernel_id


def prelaunch_hook(req_handler, notebook, cwd):
    """Voilà's pre-launch hook: remember whose page is being rendered (the kernel manager reads it next)."""
    user = req_handler.current_user
    if user is None:  # pragma: no cover - the render handler is authenticated
        raise web.HTTPError(403)
    path = req_handler.request.path.rsplit("/", 1)[-1]
    _REQUEST_USER.set(_Who(username=user.username, name=user.name, notebook=path))
    return None


# ----------------------------------------------------------------------------------------------------------------
# handlers of the server extension
_exercise_list = exercise_list


def _in_class(handler) -> bool:
    """Is this the classroom server (join code, one name per browser) rather than one trainee's own server?"""
    return isinstance(getattr(handler, "identity_provider", None), ClassroomIdentityProvider)


def _who_bar(handler) -> str:
    user = handler.current_user
    if not _in_class(handler):  # one trainee's server (dealerlab workshop --voila, a JupyterHub user): the saved name
        from dealerlab.exercises.store import AnswerStore

        name = AnswerStore().trainee
        return f"<div class='who'>{_MSG.get('role_label', 'zh', role=_MSG.text('trainee'))}<b id='dl-who'>{html.escape(name)}</b></div>" if name else ""
    extra = f"<a href='{handler.base_url}dealerlab/dashboard'>{_MSG.text('dashboard')}</a>" if is_trainer(user) else ""
    role = _MSG.text("trainer") if is_trainer(user) else _MSG.text("trainee")
    return (f"<div class='who'>{_MSG.get('role_label', 'zh', role=role)}<b id='dl-who'>{html.escape(user.name)}</b>"
            f"<a href='{handler.base_url}logout' id='dl-not-me'>{_MSG.text('not_you')}</a>{extra}</div>")


class IndexHandler(JupyterHandler):
    """The exercise list (Chinese titles), the trainee's name and the switch."""

    @web.authenticated
    def get(self):
        root = Path(self.settings["server_root_dir"]).expanduser()
        items = "".join(  # one heading per course module: 40 exercises in one list are hard to find on a phone
            f"<h2>{html.escape(heading)}</h2><ul class='ex'>" + "".join(
                f"<li><a href='{self.base_url}voila/render/{url_escape(name, plus=False)}'>{html.escape(title)}</a></li>"
                for name, title in group) + "</ul>"
            for heading, group in exercise_groups(root)
        )
        note = _MSG.text("list_note_class" if _in_class(self) else "list_note")
        body = _who_bar(self) + f"<h1>{_MSG.text('list_title')}</h1><p class='note'>{note}</p>{items}"
        self.write(_page(_MSG.text("list_title"), body))


class DashboardHandler(JupyterHandler):
    """The live class dashboard (trainer only): who is on which exercise, first-try scores, common wrong answers."""

    @web.authenticated
    def get(self):
        if not is_trainer(self.current_user):
            raise web.HTTPError(403, _MSG.text("trainer_only"))
        self.write(_page(_MSG.text("dashboard"), _who_bar(self) + dashboard_html(self), refresh=10))


def dashboard_html(handler) -> str:
    """The dashboard's body: the live kernels (who is on which exercise) and the answer files of the class."""
    root = Path(os.environ.get(ENV_DIR, "")).expanduser()
    titles = dict(exercise_list(Path(handler.settings["server_root_dir"]).expanduser()))
    km = handler.settings.get("kernel_manager")
    live = km.activity() if hasattr(km, "activity") else []
    on: dict[str, list[str]] = {}
    for k in sorted(live, key=lambda k: -k["last_activity"]):
        if k["username"].startswith(TRAINEE):
            on.setdefault(k["name"], [])
            t = titles.get(k["notebook"], k["notebook"])
            if t not in on[k["name"]]:
                on[k["name"]].append(t)
    records, skipped = collect_many([root]) if str(root) not in ("", ".") else ([], [])
    own = _own_data(root)  # who uses his own store's data: a flag, never the data
    return dashboard_body(records, skipped, on=on, refresh=10, own_data=own, extra_trainees=own,
                          after_trainees=_comparison_html(root, len(own)))


def _own_data(root: Path) -> set[str]:
    return uses_own_data(root) if root.is_dir() else set()


def _comparison_html(root: Path, n_own: int) -> str:
    """The class's key rates against the class median, without names or stores (from 5 trainees with own data)."""
    table = class_comparison(root) if n_own else None
    head = f"<h2>{_MSG.text('comparison')}</h2>"
    if table is None:
        return (head + "<p class='note' id='dl-comparison-wait'>"
                + _MSG.get("comparison_wait", "zh", n=n_own, min=MIN_COMPARISON) + "</p>")
    cols = list(table.columns)
    rows = "".join("<tr>" + f"<td>{html.escape(str(r[0]))}</td>" + "".join(f"<td>{_pct(v) if v == v else '—'}</td>" for v in r[1:])
                   + "</tr>" for r in table.itertuples(index=False))
    return (head + f"<p class='note'>{_MSG.text('comparison_note')}</p>"
            + "<table id='dl-comparison'><tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in cols) + "</tr>" + rows
            + "</table>")


def _pct(v) -> str:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "—"
    return "—" if v != v else f"{v:.0%}"


def _jupyter_server_extension_points():
    return [{"module": "dealerlab.exercises.classroom_server"}]


def _load_jupyter_server_extension(serverapp):
    base = serverapp.web_app.settings.get("base_url", "/")
    serverapp.web_app.add_handlers(".*$", [
        (base + "dealerlab/?", IndexHandler),
        (base + "dealerlab/dashboard", DashboardHandler),
    ])
