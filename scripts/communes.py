#!/usr/bin/env python3
"""Generates rules/referentiel/communes.tsv, the table of current communes that `--commune` and
`--code-postal` read, from the official geographic code (COG, INSEE) as published by Etalab in the npm
package @etalab/decoupage-administratif (data/communes.json; MIT package, COG data under the Licence
Ouverte). Keeps the current communes (type commune-actuelle) and the Paris, Lyon and Marseille
arrondissements (arrondissement-municipal) of the 101 départements (the collectivités d'outre-mer are
outside the rule base). One line per commune: INSEE code, name, département, postal codes.

Needs npm and network access; building and testing do not: the table is committed.
Usage: python3 scripts/communes.py [VERSION]   (default: the version below)
"""

import json
import pathlib
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@etalab/decoupage-administratif"
VERSION = sys.argv[1] if len(sys.argv) > 1 else "6.0.0"
OUT = pathlib.Path(__file__).resolve().parent.parent / "rules" / "referentiel" / "communes.tsv"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
            cwd=tmp, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
        with tarfile.open(pathlib.Path(tmp) / name) as tar:
            communes = json.load(tar.extractfile("package/data/communes.json"))
    kept = [
        c for c in communes
        if c["type"] in ("commune-actuelle", "arrondissement-municipal") and c["zone"] != "com"
    ]
    kept.sort(key=lambda c: c["code"])
    lines = [
        f"# Communes actuelles et arrondissements de Paris, Lyon et Marseille : code INSEE, nom, "
        f"département, codes postaux.",
        f"# Généré par scripts/communes.py depuis {PACKAGE} {VERSION} (code officiel géographique de "
        f"l'INSEE, Licence Ouverte) ; ne pas modifier à la main.",
    ]
    for c in kept:
        postaux = " ".join(sorted(set(c.get("codesPostaux") or [])))
        lines.append("\t".join([c["code"], c["nom"], c["departement"], postaux]))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(kept)} communes")


if __name__ == "__main__":
    main()
