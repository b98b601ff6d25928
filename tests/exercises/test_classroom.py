"""``dealerlab classroom`` without a browser (issue 19): what the trainer's terminal shows and refuses."""

from __future__ import annotations

import socket

import pytest

from dealerlab.errors import ExerciseError
from dealerlab.exercises.classroom import ClassroomSettings, classroom_command, classroom_config, log_file


def test_a_port_in_use_is_refused_in_chinese_before_any_code_is_shown(tmp_path, repo_root, monkeypatch, capsys):
    monkeypatch.chdir(repo_root)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(ExerciseError) as err:
            classroom_command(ip="127.0.0.1", port=port, answers_dir=tmp_path / "a", join_code="K7Q2MX")
    assert f"端口 {port} 已被占用" in err.value.zh and f"--port {port + 1}" in err.value.zh
    out = capsys.readouterr().out
    assert "K7Q2MX" not in out and "加入码" not in out  # nothing half-started on the projector


def test_one_ctrl_c_ends_the_class_and_the_log_goes_to_a_file(tmp_path):
    settings = ClassroomSettings(exercises=tmp_path, answers=tmp_path / "a")
    c = classroom_config(settings)
    assert c.ServerApp.answer_yes is True  # no English "Shutdown this Jupyter server (y/[n])?" prompt
    assert log_file(settings) == (tmp_path / "a" / ".classroom" / "server.log").resolve()


def test_the_exercise_list_is_grouped_by_course_module(repo_root):
    from dealerlab.course import MODULES
    from dealerlab.exercises.dashboard import exercise_groups, exercise_list

    groups = exercise_groups(repo_root / "exercises")
    headings = [h for h, _ in groups]
    assert headings[0] == "开始" and headings[1:] == [m.label for m in MODULES][: len(headings) - 1]
    assert [x for _, g in groups for x in g] == exercise_list(repo_root / "exercises")  # nothing lost or repeated
    assert all(name.startswith(f"{i:02d}") for i, (_, g) in enumerate(groups) for name, _ in g)


def test_the_cookie_secret_is_private(tmp_path):
    """Found on a shared machine: the classroom's cookie secret (which signs every login, the trainer's too) was
    readable by every user (0644) — the atomic writer dropped the mode it was asked for."""
    import os
    import stat

    from dealerlab.exercises.classroom import _prepare

    settings = ClassroomSettings(exercises=tmp_path, answers=tmp_path / "a")
    _prepare(settings)
    secret = tmp_path / "a" / ".classroom" / "cookie_secret"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
