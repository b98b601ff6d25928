"""``dealerlab classroom``: the exercise app for a whole class from one trainer laptop.

It starts Jupyter Server with Voilà as a server extension and the pieces of
:mod:`dealerlab.exercises.classroom_server` (trainee identity, per-trainee kernels and answers, culling, the class
dashboard), on the address the trainer chooses, and prints that address, a short join code and a QR code.
"""

from __future__ import annotations

import os
import secrets
import socket
import sys
from pathlib import Path

from dealerlab._options import check_lang
from dealerlab.errors import ExerciseError
from dealerlab.exercises.commands import _exercises_folder
from dealerlab.exercises.store import answers_dir as resolve
from dealerlab.exercises.store import atomic_write_bytes
from dealerlab.i18n import Catalogue

__all__ = ["ClassroomSettings", "classroom_command", "classroom_config", "lan_address", "log_file", "new_code",
           "qr_text"]

#: letters and digits nobody confuses when reading them off a projector (no 0/O, 1/I/L)
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

_TXT = Catalogue.load("exercises/classroom")


def new_code(length: int = 6) -> str:
    """A random join code of ``length`` unambiguous characters.

    Parameters
    ----------
    length : int
        Number of characters.

    Returns
    -------
    str
        The code, e.g. ``"K7Q2MX"``.
    """
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def lan_address() -> str:
    """This computer's address on the classroom network (no packet is sent); ``127.0.0.1`` without a network.

    Returns
    -------
    str
        An IPv4 address.
    """
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("10.255.255.255", 1))  # UDP connect only picks the outgoing interface
        return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        s.close()


def qr_text(url: str) -> str:
    """The QR code of ``url`` as text for a terminal (empty when :mod:`segno` is missing).

    Parameters
    ----------
    url : str
        The address to encode.

    Returns
    -------
    str
        Lines of block characters.
    """
    try:
        import io

        import segno
    except ImportError:  # pragma: no cover - segno is a dependency
        return ""
    buf = io.StringIO()
    segno.make(url, error="m").terminal(out=buf, compact=True, border=2)
    return buf.getvalue()


class ClassroomSettings:
    """Everything ``dealerlab classroom`` needs to start a server.

    Parameters
    ----------
    exercises : path
        Folder of trainee notebooks.
    answers : path
        Class answers folder (``<answers>/<trainee>/<exercise>.json``).
    ip : str
        Address to listen on (``0.0.0.0`` = every network of this computer).
    port : int
        Port.
    join_code, trainer_code : str
        Codes for trainees and for the trainer.
    cull_after : int
        Seconds after which an idle kernel without an open page is shut down.
    cull_interval : int
        Seconds between two culling rounds.
    max_kernels : int
        Kernels (open pages) one trainee may hold.
    """

    def __init__(self, *, exercises, answers, ip="0.0.0.0", port=8866, join_code=None, trainer_code=None,
                 cull_after=180, cull_interval=30, max_kernels=4):
        self.exercises = Path(exercises).resolve()
        self.answers = Path(answers).resolve()
        self.ip = ip
        self.port = int(port)
        self.join_code = join_code or new_code(6)
        self.trainer_code = trainer_code or new_code(10)
        self.cull_after = int(cull_after)
        self.cull_interval = int(cull_interval)
        self.max_kernels = int(max_kernels)


def classroom_config(settings: ClassroomSettings):
    """The Jupyter Server configuration of a classroom (a :class:`traitlets.config.Config`).

    Parameters
    ----------
    settings : ClassroomSettings
        The classroom.

    Returns
    -------
    traitlets.config.Config
        ServerApp, IdentityProvider, Authorizer, kernel manager (culling, cap) and Voilà settings.
    """
    from traitlets.config import Config

    from dealerlab.exercises import classroom_server as cs

    c = Config()
    c.ServerApp.ip = settings.ip
    c.ServerApp.port = settings.port
    c.ServerApp.port_retries = 0
    c.ServerApp.open_browser = False
    c.ServerApp.answer_yes = True  # one Ctrl+C ends the class (no English "Shutdown this Jupyter server (y/[n])?")
    c.ServerApp.root_dir = str(settings.exercises)
    c.ServerApp.default_url = "/dealerlab/"
    c.ServerApp.allow_remote_access = True
    c.ServerApp.terminals_enabled = False
    # 「用我的门店数据」 sends the uploaded workbook over the page's websocket (tornado's default limit is 10 MB)
    c.ServerApp.tornado_settings = {"websocket_max_message_size": 32 * 1024 * 1024}
    c.ServerApp.allow_root = hasattr(os, "geteuid") and os.geteuid() == 0  # containers and CI run as root
    c.ServerApp.identity_provider_class = cs.ClassroomIdentityProvider
    c.ServerApp.authorizer_class = cs.ClassroomAuthorizer
    c.ServerApp.kernel_manager_class = cs.ClassroomKernelManager
    # only Voilà and the classroom pages: no JupyterLab, no terminals, no language server for trainees
    c.ServerApp.jpserver_extensions = {
        "voila.server_extension": True, "dealerlab.exercises.classroom_server": True,
        "jupyterlab": False, "notebook": False, "notebook_shim": False, "jupyter_lsp": False,
        "jupyter_server_terminals": False, "nbclassic": False, "jupyter_server_mathjax": False,
    }
    c.ClassroomIdentityProvider.join_code = settings.join_code
    c.ClassroomIdentityProvider.trainer_code = settings.trainer_code
    c.ClassroomKernelManager.max_kernels_per_trainee = settings.max_kernels
    c.ClassroomKernelManager.cull_idle_timeout = settings.cull_after
    c.ClassroomKernelManager.cull_interval = settings.cull_interval
    c.ClassroomKernelManager.cull_connected = False  # an open page stays; a closed one has no connection
    c.ClassroomKernelManager.cull_busy = False
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.prelaunch_hook = cs.prelaunch_hook
    secret = settings.answers / ".classroom" / "cookie_secret"
    c.ServerApp.cookie_secret_file = str(secret)
    return c


def _prepare(settings: ClassroomSettings) -> None:
    settings.answers.mkdir(parents=True, exist_ok=True)
    secret = settings.answers / ".classroom" / "cookie_secret"
    if not secret.exists():  # kept across restarts: trainees stay logged in when the trainer restarts the server
        secret.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(secret, secrets.token_bytes(32), mode=0o600)


def serve(settings: ClassroomSettings) -> int:
    """Run the classroom server in this process until Ctrl+C.

    Parameters
    ----------
    settings : ClassroomSettings
        The classroom.

    Returns
    -------
    int
        Exit status.
    """
    from jupyter_server.serverapp import ServerApp

    _prepare(settings)
    os.environ["DEALERLAB_ANSWERS_DIR"] = str(settings.answers)
    os.environ.pop("DEALERLAB_TRAINEE", None)  # the name comes with each page's request
    _check_port(settings)
    # Jupyter Server's and the kernels' English log lines go to a file, not the trainer's screen
    saved = _output_to(log_file(settings))
    try:
        app = ServerApp.instance(config=classroom_config(settings))
        app.initialize(argv=[])
    except BaseException as err:
        _restore_output(saved)
        raise ExerciseError(*_TXT.both("server_did_not_start", log=log_file(settings))) from err
    try:
        app.start()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        pass
    finally:
        _restore_output(saved)
    return 0


def log_file(settings: ClassroomSettings) -> Path:
    """Where the classroom server's own log goes (``<answers>/.classroom/server.log``).

    Parameters
    ----------
    settings : ClassroomSettings
        The classroom.

    Returns
    -------
    Path
        The log file.
    """
    return settings.answers / ".classroom" / "server.log"


def _check_port(settings: ClassroomSettings) -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Tornado does: a just-stopped class is no conflict
    try:
        s.bind(("" if settings.ip in ("0.0.0.0", "") else settings.ip, settings.port))
    except OSError as err:
        raise ExerciseError(*_TXT.both("port_in_use", port=settings.port, next=settings.port + 1, why=err.strerror)) from None
    finally:
        s.close()


def _output_to(path: Path):
    """Send this process's stdout and stderr (and so the kernels') to ``path``; returns what to restore."""
    sys.stdout.flush()
    sys.stderr.flush()
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = (os.dup(1), os.dup(2))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    return saved


def _restore_output(saved) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    for fd, old in zip((1, 2), saved):
        os.dup2(old, fd)
        os.close(old)


def classroom_command(*, ip: str = "0.0.0.0", port: int = 8866, answers_dir=None, join_code: str | None = None,
                      trainer_code: str | None = None, cull_after: int = 180, cull_interval: int = 30,
                      max_kernels: int = 4,
                      qr_png: str | None = None, lang: str = "zh") -> int:
    """``dealerlab classroom``: print the address, join code and QR code, then serve until Ctrl+C.

    Parameters
    ----------
    ip : str
        Address to listen on.
    port : int
        Port.
    answers_dir : path, optional
        Class answers folder (default env / ``~/dealerlab-answers``).
    join_code, trainer_code : str, optional
        Fixed codes (default: new random codes).
    cull_after : int
        Seconds before an idle kernel without a page is shut down.
    cull_interval : int
        Seconds between two culling rounds.
    max_kernels : int
        Open pages per trainee.
    qr_png : path, optional
        Also write the QR code as a PNG (for the projector).
    lang : {"zh", "en"}
        Language of what is printed.

    Returns
    -------
    int
        Exit status.
    """
    check_lang(lang)
    if not 1 <= int(port) <= 65535:
        raise ExerciseError(*_TXT.both("port_invalid", port=port))
    settings = ClassroomSettings(exercises=_exercises_folder(), answers=resolve(answers_dir), ip=ip, port=port,
                                 join_code=join_code, trainer_code=trainer_code, cull_after=cull_after,
                                 cull_interval=cull_interval, max_kernels=max_kernels)
    _check_port(settings)  # before the codes are shown: a class that cannot start shows only the fix
    host = lan_address() if ip in ("0.0.0.0", "", "::") else ip
    url = f"http://{host}:{settings.port}/"
    print(_TXT.get("started", lang, url=url))
    print(_TXT.get("join_code", lang, code=settings.join_code))
    qr = qr_text(url)
    if qr:
        print(qr)
    if qr_png:
        import segno

        segno.make(url, error="m").save(qr_png, scale=10, border=2)
        print(_TXT.get("qr_image", lang, path=qr_png))
    print(_TXT.get("trainer_code", lang, code=settings.trainer_code))
    print(_TXT.get("dashboard", lang, url=url + "dealerlab/dashboard"))
    print(_TXT.get("answers", lang, path=settings.answers))
    print(_TXT.get("server_log", lang, path=log_file(settings)))
    print(_TXT.get("stop_hint", lang))
    sys.stdout.flush()
    status = serve(settings)
    print(_TXT.get("ended", lang))
    return status
