"""pyproject.toml is the one list of dependencies; environment.yml must install the same set."""

import re

import tomllib
import yaml


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = {_name(d): d.replace(" ", "") for d in project["dependencies"] + extras["test"] + extras["dev"]}
    env = yaml.safe_load((repo_root / "environment.yml").read_text(encoding="utf-8"))
    conda = {}
    pip_section = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep["pip"]
            continue
        if _name(dep) in {"python", "pip"}:
            continue
        conda[_name(dep)] = dep.replace(" ", "")
    assert conda == wanted
    assert "-e ." in pip_section


def test_console_script_declared(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["dealerlab"] == "dealerlab.cli:main"
