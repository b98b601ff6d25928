"""JupyterHub set-up for a cohort: :data:`CONFIG` is the path of the shipped ``jupyterhub_config.py``.

Run ``jupyterhub -f "$(python -c 'import dealerlab.hub as h; print(h.CONFIG)')"``; see ``docs/jupyterhub.md``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CONFIG"]

#: the shipped JupyterHub configuration file
CONFIG = Path(__file__).with_name("jupyterhub_config.py")
