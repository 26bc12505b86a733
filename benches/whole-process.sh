#!/usr/bin/env bash
# Whole-process timings of the release binary against the yardstick of SPEC §6 "Fast": a program that
# only parses each NDJSON line with serde_json and writes it back (examples/floor.rs).
#
# Usage:  bash benches/whole-process.sh [N_SMALL] [N_BIG]
#         N_SMALL  profiles of the small batch (default 100000)
#         N_BIG    profiles of the big batch (default 1000000)
#         RUNS=n   hyperfine runs of each batch command (default 3); WARMUP=n (default 1)
#
# What it does:
#   1. cargo build --release of the binary and of the floor (target/release/examples/floor);
#   2. generates N_BIG varied NDJSON profiles (inline python3, fixed seed: départements, zones, sectors,
#      dates, some fields unknown, ~0.5 % invalid lines) into a temp dir, removed on exit (no data is
#      ever written in the repo); the first N_SMALL lines make the small batch;
#   3. copies the five national aids and the reference data into the temp dir: the "bench" rule set,
#      next to the "shipped" one (the fifteen embedded aids);
#   4. hyperfine (-N: no shell in between), side by side in one run, on each batch size:
#        floor FILE
#        aides check --input FILE --format ndjson --date 2026-03-01 [--rules BENCH] [-j 1]
#      and the cold start against the floor on a one-line file: one check of that file
#      (--format ndjson, embedded rules), and one validate of the embedded rules (every check and
#      example);
#   5. peak RSS (/usr/bin/time -v) of every command on the big batch;
#   6. prints the ratio table: aides / floor for each rule set, --jobs 1 and the default (every core),
#      then the cold-start ratios (aides / floor).
# Batch commands exit 1 because of the invalid lines (by design): hyperfine runs them with -i.
# When run as root, missing tools (hyperfine, GNU time) are installed with apt-get.
# Numbers depend on the machine and its load: the ratios, measured side by side, are what to compare;
# re-run when they look noisy.
set -euo pipefail

N_SMALL=${1:-100000}
N_BIG=${2:-1000000}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
DATE=2026-03-01

cd "$(dirname "$0")/.."

need() { # need COMMAND DEBIAN_PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing $2" >&2
        if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >&2; APT_UPDATED=1; fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
    fi
    command -v "$1" >/dev/null 2>&1 || { echo "error: $1 missing (install package $2)" >&2; exit 2; }
}
need hyperfine hyperfine
need /usr/bin/time time
need python3 python3

echo "== cargo build --release (aides and the floor)" >&2
cargo build --release --quiet --bin aides --example floor
BIN=$PWD/target/release/aides
FLOOR=$PWD/target/release/examples/floor

TMP=$(mktemp -d -t aides-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
BIG=$TMP/profiles-$N_BIG.ndjson
SMALL=$TMP/profiles-$N_SMALL.ndjson
BENCH_RULES=$TMP/rules-bench
mkdir -p "$BENCH_RULES"
cp -r rules/national rules/referentiel "$BENCH_RULES"/
"$BIN" validate --rules "$BENCH_RULES" -q >&2

echo "== generating $N_BIG profiles in $TMP" >&2
python3 - "$N_BIG" "$BIG" <<'PY'
import json, random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(20260301)
deps = [f"{i:02d}" for i in range(1, 96) if i != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
specs = ["medecine-generale"] * 3 + ["pediatrie", "psychiatrie", "gynecologie-medicale", "ophtalmologie", "dermatologie-venereologie"]
projets = ["installation"] * 4 + ["cabinet-secondaire", "consultations-avancees", "assistant-partage", "structure"]
invalid = ['{"id":"casse" "zone":"ZIP"}', '{"id":"x","zonne":"ZIP"}', '{"id":"y","secteur":3}',
           '{"id":"z","departement":"2C"}', '[1,2]', '{"id":"w","date_installation":"2026-02-30"}']
def day(y0, y1):
    return f"{rng.randint(y0, y1)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
with open(path, "w") as f:
    for i in range(n):
        if rng.random() < 0.005:
            f.write(rng.choice(invalid) + "\n")
            continue
        p = {"id": f"dr-{i:07d}"}
        if rng.random() < 0.9: p["departement"] = rng.choice(deps)
        if rng.random() < 0.85: p["zone"] = rng.choice(["ZIP", "ZAC", "ZAR"])
        if rng.random() < 0.6: p["qpv"] = rng.random() < 0.15
        if rng.random() < 0.8: p["exercice"] = rng.choice(["liberal"] * 3 + ["salarie"])
        if rng.random() < 0.7: p["specialite"] = rng.choice(specs)
        if rng.random() < 0.85:
            p["secteur"] = 1 if rng.random() < 0.75 else 2
            if p["secteur"] == 2 and rng.random() < 0.6: p["optam"] = rng.random() < 0.5
        if rng.random() < 0.75: p["projet"] = rng.choice(projets)
        if rng.random() < 0.7: p["primo_installation"] = rng.random() < 0.7
        if rng.random() < 0.7: p["date_installation"] = day(2023, 2026)
        if rng.random() < 0.3: p["date_demande"] = day(2026, 2026)
        if rng.random() < 0.4: p["exercice_coordonne"] = rng.choice([[], ["msp"], ["cpts"], ["msp", "cpts"], ["esp"]])
        if rng.random() < 0.35: p["jours_par_semaine"] = rng.randint(2, 12) / 2
        if rng.random() < 0.5: p["aide_installation_10_ans"] = rng.random() < 0.2
        if rng.random() < 0.3: p["pdsa"] = rng.random() < 0.6
        if rng.random() < 0.1: p["demi_journees_par_mois"] = rng.randint(0, 8)
        f.write(json.dumps(p, ensure_ascii=False, separators=(",", ":")) + "\n")
PY
head -n "$N_SMALL" "$BIG" > "$SMALL"
echo '{"id":"un"}' > "$TMP/one.ndjson"
echo "== $(wc -l < "$SMALL") lines, $(du -h "$SMALL" | cut -f1) (small); $(wc -l < "$BIG") lines, $(du -h "$BIG" | cut -f1) (big)" >&2

# The commands, by name: "floor", then aides with each rule set and job count.
declare -A CMD
CMD[floor]="$FLOOR FILE"
CMD[shipped-j1]="$BIN check --input FILE --format ndjson --date $DATE -q -j 1"
CMD[shipped]="$BIN check --input FILE --format ndjson --date $DATE -q"
CMD[bench-j1]="$BIN check --input FILE --format ndjson --date $DATE -q -j 1 --rules $BENCH_RULES"
CMD[bench]="$BIN check --input FILE --format ndjson --date $DATE -q --rules $BENCH_RULES"
NAMES=(floor bench-j1 bench shipped-j1 shipped)

# Sanity, once: the same output whatever the number of jobs.
"$BIN" check --input "$SMALL" --format ndjson --date "$DATE" -q -j 1 > "$TMP/out1" || true
"$BIN" check --input "$SMALL" --format ndjson --date "$DATE" -q > "$TMP/out2" || true
cmp -s "$TMP/out1" "$TMP/out2" || { echo "error: the output depends on --jobs" >&2; exit 1; }
echo "== $(wc -l < "$TMP/out1") output lines, $(grep -c '"erreur"' "$TMP/out1") error lines, the same with -j 1 and the default" >&2
rm -f "$TMP/out1" "$TMP/out2"

HF=(hyperfine -N -i --style basic --warmup "$WARMUP" --runs "$RUNS")
for size in small big; do
    file=$SMALL; [ "$size" = big ] && file=$BIG
    args=()
    for name in "${NAMES[@]}"; do args+=(-n "$name" "${CMD[$name]//FILE/$file}"); done
    echo "== hyperfine: $size batch" >&2
    "${HF[@]}" --export-json "$TMP/$size.json" "${args[@]}" >&2
done
echo "== hyperfine: cold start" >&2
hyperfine -N --style basic --warmup 5 --min-runs 40 --export-json "$TMP/cold.json" \
    -n floor "$FLOOR $TMP/one.ndjson" \
    -n check "$BIN check --input $TMP/one.ndjson --format ndjson --date $DATE -q" \
    -n validate "$BIN validate -q --today $DATE" >&2

echo "== peak RSS on the big batch" >&2
for name in "${NAMES[@]}"; do
    # shellcheck disable=SC2086 # the command is split on purpose
    /usr/bin/time -v ${CMD[$name]//FILE/$BIG} > /dev/null 2> "$TMP/time.txt" || true
    echo "$name $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time.txt")"
done > "$TMP/rss.txt"

python3 - "$TMP" "$N_SMALL" "$N_BIG" <<'PY'
import json, sys
tmp, n_small, n_big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    return {r["command"]: r["median"] for r in json.load(open(f"{tmp}/{name}.json"))["results"]}
small, big, cold = load("small"), load("big"), load("cold")
rss = dict(line.split() for line in open(f"{tmp}/rss.txt") if len(line.split()) == 2)
rows = [("floor", "serde_json floor"), ("bench-j1", "bench rules, -j 1"), ("bench", "bench rules, default"),
        ("shipped-j1", "shipped rules, -j 1"), ("shipped", "shipped rules, default")]
print()
print("Median wall time (s), ratio to the floor measured in the same run, peak RSS on the big batch.")
print(f"{'':<24} {f'{n_small:,} profiles':>20} {f'{n_big:,} profiles':>20} {'peak RSS':>10}")
for key, label in rows:
    cells = []
    for table in (small, big):
        t, f = table[key], table["floor"]
        cells.append(f"{t:7.3f} s" + ("" if key == "floor" else f" ({t / f:.2f}×)"))
    mb = int(rss.get(key, "0")) / 1024
    print(f"{label:<24} {cells[0]:>20} {cells[1]:>20} {mb:>7.1f} MB")
print()
print("Cold start (median, embedded rules), ratio to the floor on the same one-line file:")
print(f"{'serde_json floor':<42} {cold['floor'] * 1e3:7.1f} ms")
print(f"{'check --input one.ndjson --format ndjson':<42} {cold['check'] * 1e3:7.1f} ms"
      f"   cold start: aides / floor = {cold['check'] / cold['floor']:.2f}×")
print(f"{'validate (every check and example)':<42} {cold['validate'] * 1e3:7.1f} ms"
      f"   validate / floor = {cold['validate'] / cold['floor']:.2f}×")
PY
