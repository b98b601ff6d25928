"""``python -m dealerlab.report.sections``: rewrite the report notebooks' section cells from the registry."""

from dealerlab.i18n import Catalogue
from dealerlab.report.sections import sync_notebooks

_MSG = Catalogue.load("report/sections/__main__")

if __name__ == "__main__":
    changed = sync_notebooks()
    print(_MSG.get("updated", names=_MSG.get("sep").join(changed)) if changed else _MSG.get("up_to_date"))
