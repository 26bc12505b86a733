#!/usr/bin/env python3
"""French typography in the rule files' texts: a no-break space (U+00A0) before « : ; ? ! » and
inside « ». Rewrites the string literals of rules/**/*.toml in place (comments and keys are left
alone); the same rule as `text::wrap::typographie`, so `aides validate` finds nothing to say about
them afterwards (code `breakable-punctuation`). Re-run it after a merge:

    python3 scripts/typographie.py [RULES_DIR]
"""

import os
import pathlib
import sys

NBSP = "\u00a0"
MARKS = ":;?!»"


def typographie(text: str) -> str:
    out = []
    n = len(text)
    for i, c in enumerate(text):
        prev = text[i - 1] if i > 0 else None
        nxt = text[i + 1] if i + 1 < n else None
        if c == " " and (nxt is not None and nxt in MARKS or prev == "«"):
            out.append(NBSP)
            continue
        if (
            c in MARKS
            and prev is not None
            and not prev.isspace()
            and prev not in (NBSP, "«")
            and (
                c == "»"
                or ((nxt is None or nxt in (" ", "\n", NBSP)) and prev.isalnum())
            )
        ):
            out.append(NBSP)
        out.append(c)
        if c == "«" and nxt is not None and not nxt.isspace() and nxt != NBSP:
            out.append(NBSP)
    return "".join(out)


def fix_line(line: str) -> str:
    if line.lstrip().startswith("#"):
        return line
    out = []
    i = 0
    while i < len(line):
        c = line[i]
        if c == "#":
            out.append(line[i:])
            break
        if c == '"':
            j = i + 1
            while j < len(line) and not (line[j] == '"' and line[j - 1] != "\\"):
                j += 1
            out.append('"' + typographie(line[i + 1 : j]) + ('"' if j < len(line) else ""))
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "rules")
    changed = 0
    paths = []
    # Links are not followed: a rules directory may hold a loop or a link to a device.
    for folder, _dirs, files in os.walk(root, followlinks=False):
        for name in files:
            path = pathlib.Path(folder) / name
            if name.endswith(".toml") and path.is_file() and not path.is_symlink():
                paths.append(path)
    for path in sorted(paths):
        text = path.read_text(encoding="utf-8")
        fixed = "".join(fix_line(l) for l in text.splitlines(keepends=True))
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            changed += 1
            print(f"corrigé : {path}")
    print(f"{changed} fichier(s) corrigé(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
