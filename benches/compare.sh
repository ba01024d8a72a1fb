#!/usr/bin/env bash
# Side-by-side speed of two builds of ssosim on the same scenarios (issue 20).
#
#   benches/compare.sh [BASE_COMMIT] [ROUNDS]
#
# Builds BASE_COMMIT (default: main) in a temporary git worktree and the
# current tree, both `cargo build --release`, then runs each case with both
# binaries alternately ROUNDS times (default 3), so that a busy machine slows
# both alike, and prints per case and binary the median user-days per second
# (users x measured days / wall time from run.json), the same per CPU second
# (user + system time, steadier than the wall time on a shared machine),
# events handled per user-day, the medians of the per-round speed ratios
# (current / base, wall and CPU), and
# whether summary.csv, timeseries.csv, logins.csv, load.csv, segments.csv,
# distributions.csv, replicas.csv (and logs.jsonl, for a case with --logs)
# are byte-identical between the two (or identical but for rows that only
# the current build writes: metrics added after the base).
#
# Cases (one thread, no charts) are storezero and the two SPA scenarios
# (spa_third_party: silent authentication; spa_refresh_tokens: rotating
# refresh tokens), without warm-up, so that every simulated day is a
# measured one and "events per user-day" means the same as in the issue;
# override with CASES, one case a line: `NAME|SCENARIO|--set k=v ...`.
#
# Base binaries are cached in target/compare/ by commit, so a second
# comparison against the same commit does not build it again.
#
# Times on a shared machine move by 10 to 20% from one run to the next.
# INSTRUCTIONS=N (a number of users) also counts, once per case and build,
# the instructions executed with N users (`valgrind --tool=cachegrind`,
# on every machine of this project): the same count on every run of the
# same binaries, whatever else the machine does. It prints instructions
# per user-day (run-level work, such as the load statistics, included)
# and their ratio, base / current. A ROUNDS of 0 skips the timed rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
base=${1:-main}
rounds=${2:-3}
sha=$(git rev-parse --short=10 "$base")
cache="$root/target/compare"
mkdir -p "$cache"
base_bin="$cache/ssosim-$sha"

if [[ ! -x $base_bin ]]; then
    wt=$(mktemp -d /tmp/ssosim-base.XXXXXX)
    git worktree add --detach "$wt" "$sha" >/dev/null
    # One target directory for every base build: dependencies compile once.
    if [[ ! -d $cache/target && -d $root/target/release ]]; then
        mkdir -p "$cache/target"
        cp -a "$root/target/release" "$cache/target/"
    fi
    (cd "$wt" && CARGO_TARGET_DIR="$cache/target" cargo build --release --quiet)
    cp "$cache/target/release/ssosim" "$base_bin"
    git worktree remove --force "$wt"
fi
cargo build --release --quiet
cur_bin="$cache/ssosim-current"
cp target/release/ssosim "$cur_bin"

CASES=${CASES:-"storezero|scenarios/storezero.toml|--set simulation.users=100000 --set simulation.warmup=0s
spa_third_party|scenarios/spa_third_party.toml|--set simulation.users=50000 --set simulation.warmup=0s
spa_refresh_tokens|scenarios/spa_refresh_tokens.toml|--set simulation.users=50000 --set simulation.warmup=0s"}

out=$(mktemp -d /tmp/ssosim-compare.XXXXXX)
trap 'rm -rf "$out"' EXIT
field() { # field FILE KEY: a number of run.json
    sed -n "s/^ *\"$2\": \([0-9.e+-]*\),\{0,1\}$/\1/p" "$1"
}
binary() { # binary base|cur: the build's executable
    if [[ $1 == cur ]]; then echo "$cur_bin"; else echo "$base_bin"; fi
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "base $sha ($base_bin) vs current tree $(git rev-parse --short=10 HEAD)$(git diff --quiet HEAD || echo '+changes')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $rounds -gt 0 ]] && printf '%-18s %-6s %12s %12s %10s\n' case build "user-days/s" "per CPU-s" "events/u-d"
while IFS='|' read -r name scenario sets; do
    [[ -z $name || $rounds -eq 0 ]] && continue
    : >"$out/$name.ratios"
    : >"$out/$name.cpuratios"
    for r in $(seq 1 "$rounds"); do
        for b in base cur; do
            bin=$(binary "$b")
            dir="$out/$name-$b"
            rm -rf "$dir"
            # shellcheck disable=SC2086
            /usr/bin/time -f '%U %S' -o "$out/cpu" \
                "$bin" run "$scenario" $sets --no-charts --quiet --threads 1 --out "$dir"
            users=$(field "$dir/run.json" users)
            ms=$(field "$dir/run.json" duration_ms)
            wall=$(field "$dir/run.json" wall_time_s)
            events=$(field "$dir/run.json" events_processed)
            cpu=$(awk '{print $1 + $2}' "$out/cpu")
            awk -v u="$users" -v ms="$ms" -v w="$wall" \
                'BEGIN {printf "%.6g\n", u * ms / 86400000 / w}' >>"$out/$name.$b.speed"
            awk -v u="$users" -v ms="$ms" -v c="$cpu" \
                'BEGIN {printf "%.6g\n", u * ms / 86400000 / c}' >>"$out/$name.$b.cpu"
            awk -v u="$users" -v ms="$ms" -v e="$events" \
                'BEGIN {printf "%.4g\n", e / (u * ms / 86400000)}' >"$out/$name.$b.epud"
        done
        paste <(tail -1 "$out/$name.base.speed") <(tail -1 "$out/$name.cur.speed") |
            awk '{printf "%.4f\n", $2 / $1}' >>"$out/$name.ratios"
        paste <(tail -1 "$out/$name.base.cpu") <(tail -1 "$out/$name.cur.cpu") |
            awk '{printf "%.4f\n", $2 / $1}' >>"$out/$name.cpuratios"
    done
    # A file the current build writes with rows the base does not know
    # (metrics added since) but every other row the same counts as
    # identical where both write.
    same=identical different=() added=()
    for f in summary.csv timeseries.csv logins.csv load.csv segments.csv distributions.csv replicas.csv logs.jsonl; do
        if [[ -e $out/$name-base/$f ]] && ! cmp -s "$out/$name-base/$f" "$out/$name-cur/$f"; then
            if diff "$out/$name-base/$f" "$out/$name-cur/$f" | grep -q '^<'; then
                different+=("$f")
            else
                added+=("$f")
            fi
        fi
    done
    if ((${#different[@]})); then
        same="DIFFERENT (${different[*]})"
    elif ((${#added[@]})); then
        same="identical but for the rows only the current build writes (${added[*]})"
    fi
    for b in base cur; do
        printf '%-18s %-6s %12.0f %12.0f %10s\n' "$name" "$b" "$(median <"$out/$name.$b.speed")" \
            "$(median <"$out/$name.$b.cpu")" "$(cat "$out/$name.$b.epud")"
    done
    printf '%-18s %-6s %11sx %11sx %10s  outputs %s\n' "$name" ratio "$(median <"$out/$name.ratios")" \
        "$(median <"$out/$name.cpuratios")" "" "$same"
    echo "  wall ratios per round: $(paste -sd' ' "$out/$name.ratios"); CPU: $(paste -sd' ' "$out/$name.cpuratios")"
done <<<"$CASES"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ -n ${INSTRUCTIONS:-} ]]; then
    printf '%-18s %-6s %14s %14s\n' case build instructions "per user-day"
    while IFS='|' read -r name scenario sets; do
        [[ -z $name ]] && continue
        for b in base cur; do
            bin=$(binary "$b")
            dir="$out/$name-$b-instructions"
            rm -rf "$dir"
            # The last --set of a key wins: INSTRUCTIONS users.
            # shellcheck disable=SC2086
            valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
                "$bin" run "$scenario" $sets --set simulation.users="$INSTRUCTIONS" \
                --no-charts --quiet --threads 1 --out "$dir" 2>"$out/valgrind"
            refs=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$out/valgrind" | tr -d ,)
            ms=$(field "$dir/run.json" duration_ms)
            echo "$refs" >"$out/$name.$b.refs"
            printf '%-18s %-6s %14s %14.0f\n' "$name" "$b" "$refs" \
                "$(awk -v r="$refs" -v u="$INSTRUCTIONS" -v ms="$ms" 'BEGIN {print r / (u * ms / 86400000)}')"
        done
        printf '%-18s %-6s %13.4fx\n' "$name" ratio \
            "$(awk -v a="$(cat "$out/$name.base.refs")" -v b="$(cat "$out/$name.cur.refs")" 'BEGIN {print a / b}')"
    done <<<"$CASES"
fi
