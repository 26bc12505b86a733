#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 30), from the seeds in fuzz/seeds/ and, for rule
# files, the shipped rules. Needs a nightly toolchain and cargo-fuzz (cargo install --locked cargo-fuzz).
# A crash, an out-of-memory, a leak or a timeout stops the run and leaves its input in
# fuzz/artifacts/<target>/ (remove it once it is a test): turn it into a test.
# Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
#        SANITIZER=none for long campaigns: the code is safe Rust, so panics, out-of-memory and
#        timeouts are what is looked for, and without AddressSanitizer each run is several times quicker.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
sanitizer=${SANITIZER:-address}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(profile batch pipeline rule text)
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    seeds=()
    case $t in
        rule) seeds=(rules/national rules/regions/* rules/abrogees rules/referentiel) ;;
        *) seeds=("fuzz/seeds/$t") ;;
    esac
    echo "== fuzz $t (${seconds} s)"
    log=$(mktemp)
    status=0
    cargo +nightly fuzz run --sanitizer "$sanitizer" --fuzz-dir fuzz "$t" "fuzz/corpus/$t" "${seeds[@]}" -- \
        -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 > "$log" 2>&1 || status=$?
    grep -E '^(stat::number_of_executed_units|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' "$log" || true
    # libFuzzer names what it found by kind: a crash (panic), an out-of-memory, a leak, a timeout.
    if compgen -G "fuzz/artifacts/$t/*-*" >/dev/null; then
        echo "fuzz $t: found $(cd "fuzz/artifacts/$t" && ls | sed 's/-.*//' | sort -u | paste -sd,), see fuzz/artifacts/$t/" >&2
        exit 1
    fi
    if [ "$status" != 0 ]; then
        # Not a crash: the build or cargo-fuzz itself failed. Say so instead of passing silently.
        echo "fuzz $t: cargo fuzz failed (exit $status):" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    rm -f "$log"
done
