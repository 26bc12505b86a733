#!/usr/bin/env bash
# Whole-process timings of the release binary (SPEC §6 "Fast"), next to a "just parse the JSON" baseline.
#
# Usage:  bash benches/whole-process.sh [N_BATCH] [N_BIG]
#         N_BATCH  profiles of the timed batch file (default 100000)
#         N_BIG    profiles of the big file, used only for peak RSS (default 1000000)
#         RUNS=n   hyperfine runs for the batch commands (default 5); WARMUP=n (default 1)
#
# What it does:
#   1. cargo build --release (bin: target/release/aides);
#   2. generates N_BIG varied NDJSON profiles (inline python3, fixed seed: départements, zones, sectors,
#      dates, some fields unknown, ~0.5 % invalid lines) into a temp dir, removed on exit (no data is
#      ever written in the repo); the first N_BATCH lines make the batch file. The invalid lines are a
#      bad JSON syntax, an array, unknown keys and values out of domain;
#   3. hyperfine (-N: no shell in between) on
#        aides check --zone ZIP --secteur 1 --date 2026-03-01                   single check, table
#        aides check --zone ZIP --secteur 1 --date 2026-03-01 --format json     single check, JSON
#        aides validate                                                         embedded rules + examples
#        aides check --input FILE --format ndjson --date 2026-03-01             batch on N_BATCH profiles
#      and the baselines that only parse the same file:
#        jq -cR 'fromjson?' FILE         (jq, line by line, skipping invalid lines)
#        jq -c . VALID_FILE              (jq on the same file without its invalid lines)
#        python3 parse.py FILE           (json.loads per line)
#   4. peak RSS (/usr/bin/time -v) of a single check and of the batch on N_BATCH and N_BIG profiles: it
#      must stay flat (streaming, constant memory);
#   5. prints a summary table (ms, profiles/s, ratio to the baselines, RSS).
# Batch commands exit 1 because of the invalid lines (by design): hyperfine runs them with -i.
# When run as root, missing tools (hyperfine, jq, GNU time) are installed with apt-get.
# Numbers depend on the machine and its load: re-run when they look noisy.
set -euo pipefail

N_BATCH=${1:-100000}
N_BIG=${2:-1000000}
RUNS=${RUNS:-5}
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
need jq jq
need /usr/bin/time time
need python3 python3

echo "== cargo build --release" >&2
cargo build --release --quiet
BIN=$PWD/target/release/aides

TMP=$(mktemp -d -t aides-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
BIG=$TMP/profiles-$N_BIG.ndjson
BATCH=$TMP/profiles-$N_BATCH.ndjson
VALID=$TMP/profiles-$N_BATCH-valid.ndjson

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
head -n "$N_BATCH" "$BIG" > "$BATCH"
grep -v -F -e '{"id":"casse" "zone":"ZIP"}' "$BATCH" > "$VALID" || true
cat > "$TMP/parse.py" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        json.loads(line)
        n += 1
    except ValueError:
        pass
PY
echo "== $(wc -l < "$BATCH") lines, $(du -h "$BATCH" | cut -f1) (batch); $(wc -l < "$BIG") lines, $(du -h "$BIG" | cut -f1) (big)" >&2

# Sanity: exit codes and output sizes, once.
for c in "check --zone ZIP --secteur 1 --date $DATE" "validate"; do
    set +e; "$BIN" $c > "$TMP/out" 2>&1; rc=$?; set -e
    echo "== aides $c: exit $rc, $(wc -l < "$TMP/out") output lines" >&2
done
set +e; "$BIN" check --input "$BATCH" --format ndjson --date "$DATE" > "$TMP/out" 2>&1; rc=$?; set -e
echo "== aides check --input (batch): exit $rc, $(wc -l < "$TMP/out") output lines, $(grep -c '"erreur"' "$TMP/out") error lines" >&2
rm -f "$TMP/out"

HF=(hyperfine -N --style basic)
echo "== hyperfine: single commands" >&2
"${HF[@]}" --warmup 5 --min-runs 30 --export-json "$TMP/single.json" \
    -n check-table "$BIN check --zone ZIP --secteur 1 --date $DATE" \
    -n check-json "$BIN check --zone ZIP --secteur 1 --date $DATE --format json" \
    -n validate "$BIN validate" \
    -n version "$BIN --version" >&2 || true

echo "== hyperfine: batch of $N_BATCH profiles and the parse-only baselines" >&2
"${HF[@]}" -i --warmup "$WARMUP" --runs "$RUNS" --export-json "$TMP/batch.json" \
    -n aides-batch "$BIN check --input $BATCH --format ndjson --date $DATE" \
    -n jq-lines "jq -cR fromjson? $BATCH" \
    -n jq-valid "jq -c . $VALID" \
    -n python-json "python3 $TMP/parse.py $BATCH" >&2

rss() { # rss LABEL COMMAND... -> "LABEL kB seconds"
    local label=$1; shift
    /usr/bin/time -v "$@" > /dev/null 2> "$TMP/time.txt" || true
    local kb s
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time.txt")
    s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time.txt")
    echo "$label $kb $s"
}
echo "== peak RSS" >&2
{
    rss "single-check" "$BIN" check --zone ZIP --secteur 1 --date "$DATE"
    rss "batch-$N_BATCH" "$BIN" check --input "$BATCH" --format ndjson --date "$DATE"
    rss "batch-$N_BIG" "$BIN" check --input "$BIG" --format ndjson --date "$DATE"
    rss "batch-stdin-$N_BIG" sh -c "\"$BIN\" check --input - --format ndjson --date $DATE < \"$BIG\""
} > "$TMP/rss.txt"

python3 - "$TMP/single.json" "$TMP/batch.json" "$TMP/rss.txt" "$N_BATCH" <<'PY'
import json, sys
single, batch, rss, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def load(p):
    try:
        return {r["command"]: r for r in json.load(open(p))["results"]}
    except (OSError, ValueError):
        return {}
s, b = load(single), load(batch)
print()
print(f"{'command':<44} {'mean':>10} {'± σ':>9} {'median':>10} {'min':>10}")
for name, r in list(s.items()) + list(b.items()):
    print(f"{name:<44} {r['mean']*1e3:>8.2f}ms {r['stddev']*1e3:>7.2f}ms {r['median']*1e3:>8.2f}ms {r['min']*1e3:>8.2f}ms")
if "aides-batch" in b:
    print()
    aides = n / b["aides-batch"]["median"]
    print(f"batch throughput on {n} profiles (median wall time, process start and rule loading included):")
    print(f"  {'aides check --format ndjson':<30} {aides:>12,.0f} profiles/s")
    for k in ("jq-lines", "jq-valid", "python-json"):
        if k in b:
            base = n / b[k]["median"]
            print(f"  {k + ' (parse only)':<30} {base:>12,.0f} profiles/s   aides/baseline = {aides / base:.2f}")
print()
print(f"{'peak RSS':<28} {'kB':>10} {'wall':>10}")
for line in open(rss):
    label, kb, wall = (line.split() + ["?", "?"])[:3]
    print(f"{label:<28} {kb:>10} {wall:>10}")
PY
