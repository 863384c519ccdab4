"""Print the domain layer of the `bot-parts` import-linter contract from the modules in bot/.

Every module (or package) directly under bot/, except entry/ and presentation/, is domain; paste
the output over the triple-quoted domain list in pyproject.toml after adding a module, or run
`python scripts/bot_parts.py --write` to replace it in place."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_DOMAIN = {"__init__", "__main__", "entry", "presentation", "__pycache__"}
WIDTH = 92


def domain_modules() -> list[str]:
    names = {path.stem for path in (ROOT / "bot").glob("*.py")}
    names |= {path.name for path in (ROOT / "bot").iterdir() if path.is_dir()}
    return sorted(names - NOT_DOMAIN)


def domain_layer() -> str:
    lines, current = [], '    """'
    for index, name in enumerate(domain_modules()):
        piece = name if index == 0 else f" : {name}"
        if len(current) + len(piece) > WIDTH:
            lines.append(current + " \\")
            current = f"    : {name}"
        else:
            current += piece
    return "\n".join([*lines, current + '""",'])


def main() -> None:
    layer = domain_layer()
    if "--write" not in sys.argv:
        print(layer)
        return
    pyproject = ROOT / "pyproject.toml"
    text = pyproject.read_text()
    text = re.sub(r'    """access.*?""",', lambda _: layer, text, count=1, flags=re.S)
    pyproject.write_text(text)


if __name__ == "__main__":
    main()
