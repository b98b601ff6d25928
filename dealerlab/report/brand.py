"""``--brand brand.yaml``: the consulting firm's name, logo, colours and contact line, and the client group's name,
on the report's cover, in its running footer and on the deck's master.

The file is a flat ``key: value`` list (a subset of YAML; ``#`` starts a comment; quotes optional)::

    firm: 远见汽车经销商咨询            # 咨询公司名称
    client: 华东汽车集团                # 客户集团名称（封面、页脚）；不填则取数据中的名称
    logo: logo.png                      # PNG/JPEG，相对本文件的路径
    primary: "#0b3c5d"                  # 主色（标题、表头）
    accent: "#0173b2"                   # 辅色
    contact: 张顾问 138-0000-0000 · consult@example.com

Every key is optional; an unknown key, a colour that is not ``#RRGGBB`` or a logo that is missing or not a PNG/JPEG
stops the run with a message naming the file, the line and the fix.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = ["Brand", "load_brand", "KEYS"]

_MSG = Catalogue.load("report/brand")

#: key → (zh, en) meaning
KEYS = _MSG.pairs("key", ("firm", "client", "logo", "primary", "accent", "contact"))
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LOGO_MAX = 5 * 1024 * 1024


@dataclass(frozen=True)
class Brand:
    """What ``--brand`` sets (empty strings where the file is silent)."""

    firm: str = ""
    client: str = ""
    logo: str = ""  # absolute path of a PNG/JPEG, or ""
    primary: str = "#0b3c5d"
    accent: str = "#0173b2"
    contact: str = ""

    def css(self) -> str:
        """The report's colours (headings, table headers, cover rule) in the brand's colours."""
        return (f"h2.dl-h2 {{ border-left-color: {self.accent}; color: {self.primary}; }} "
                f"table.dl-table th {{ background: {self.primary}; }} "
                f".dl-cover {{ border-bottom-color: {self.accent}; }} .dl-cover h1 {{ color: {self.primary}; }}")

    def logo_data_uri(self) -> str:
        """The logo as a ``data:`` URI (the HTML stays one self-contained file)."""
        if not self.logo:
            return ""
        path = Path(self.logo)
        mime = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
        return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _err(path, line: int, message: str, /, **values) -> ParameterError:
    """The error ``message`` of the catalogue, after the file and line it is about (line 0: the whole file)."""
    where = "where_line" if line else "where"
    zh, en = _MSG.both(message, **values)
    return ParameterError(_MSG.get(where, "zh", path=path, line=line) + zh, _MSG.get(where, "en", path=path, line=line) + en)


def load_brand(path) -> Brand:
    """Read and check a brand file.

    Parameters
    ----------
    path : str or Path
        The ``brand.yaml`` file.

    Returns
    -------
    Brand

    Raises
    ------
    ParameterError
        Missing file, unknown key, bad colour, missing or unsupported logo (the message names the line and the fix).
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(*_MSG.both("file_missing", path=path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise _err(path, 0, "not_utf8") from None
    values: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, rest = line.partition(":")
        key, rest = key.strip(), rest.strip()
        if not sep:
            raise _err(path, n, "not_key_value", line=repr(line[:60]))
        if key not in KEYS:
            known = _MSG.text("list_sep", "zh").join(_MSG.get("known_key", "zh", key=k, meaning=v[0]) for k, v in KEYS.items())
            raise _err(path, n, "unknown_key", key=repr(key), known=known, keys=", ".join(KEYS))
        if rest[:1] in ("'", '"'):  # a quoted value: up to its closing quote; anything after is a comment
            end = rest.find(rest[0], 1)
            if end < 0:
                raise _err(path, n, "unclosed_quote")
            value = rest[1:end]
        else:  # unquoted: a comment starts at " #" (a leading #RRGGBB colour is a value)
            value = re.split(r"\s#", rest, maxsplit=1)[0].strip()
        values[key] = "".join(ch for ch in value if ch.isprintable())[:200]
    for key in ("primary", "accent"):
        if key in values and not _COLOUR.match(values[key]):
            raise _err(path, 0, "bad_colour", key=key, value=repr(values[key]))
    if values.get("logo"):
        logo = (path.parent / values["logo"]).resolve()
        if not logo.is_file():
            raise _err(path, 0, "logo_missing", logo=logo)
        head = logo.read_bytes()[:8]
        if not (head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8")):
            raise _err(path, 0, "logo_not_image", name=logo.name)
        if logo.stat().st_size > _LOGO_MAX:
            raise _err(path, 0, "logo_too_large", name=logo.name)
        values["logo"] = str(logo)
    return Brand(**values)
