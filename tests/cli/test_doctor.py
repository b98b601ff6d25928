"""dealerlab doctor: every piece OK or the fix; exit 1 only when something essential is missing."""

from __future__ import annotations

import dealerlab.doctor as doctor
from dealerlab.cli import main


def test_doctor_here_is_ok(capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "Python" in out and "pandas" in out and "必需的组件都正常" in out


def test_missing_optional_pieces_give_fix_but_exit_0(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "_chromium", lambda: None)
    monkeypatch.setattr(doctor, "_fc_list", lambda: "")
    assert doctor.doctor_command(lang="en") == 0
    out = capsys.readouterr().out
    assert "[OPTIONAL] Chromium not found" in out
    assert "apt-get install -y --no-install-recommends chromium" in out
    assert "apt-get install -y fonts-wqy-microhei" in out
    assert "2 optional piece(s) missing" in out


def test_missing_font_kernel_widgets_exit_1(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "_cjk_font", lambda: None)
    monkeypatch.setattr(doctor, "_kernel_dir", lambda: None)
    monkeypatch.setattr(doctor, "_widgets_extension", lambda: None)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "[缺失] 没有中文字体" in out
    assert "ipykernel install --sys-prefix --name python3" in out
    assert "jupyterlab_widgets" in out
    assert "有 3 个必需组件缺失" in out


def test_missing_package(monkeypatch):
    real = doctor._version
    monkeypatch.setattr(doctor, "_version", lambda dist: None if dist == "seaborn" else real(dist))
    checks = {c.key: c for c in doctor.run_checks()}
    assert not checks["package:seaborn"].ok and checks["package:seaborn"].fix.endswith("pip install seaborn")
    assert checks["package:pandas"].ok
