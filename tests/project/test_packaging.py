"""pyproject.toml is the one list of dependencies; environment.yml must install the same set; every data file of the
package is shipped."""

import fnmatch
import re
import subprocess

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


def test_every_data_file_of_the_package_is_shipped(repo_root):
    """Each file under dealerlab/ that is not Python (catalogues, content, enums.toml, CSV tables, fonts, templates)
    matches a package-data pattern of its package in pyproject.toml, so an installed package has it too."""
    package_data = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "dealerlab"],
                            capture_output=True, text=True, cwd=repo_root, check=True).stdout.split()
    missing = []
    for name in listed:
        path = repo_root / name
        if path.suffix in {".py", ".pyc"} or path.is_symlink() or not path.is_file():
            continue  # a linked folder (datasets/demo) is listed by the patterns of its files
        package = path.parent
        while not (package / "__init__.py").exists():
            package = package.parent
        rel = path.relative_to(package).as_posix()
        patterns = package_data.get(".".join(package.relative_to(repo_root).parts), []) + package_data.get("*", [])
        if not any(fnmatch.fnmatch(rel, p) and rel.count("/") == p.count("/") for p in patterns):
            missing.append(name)
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
