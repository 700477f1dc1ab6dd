#!/usr/bin/env bash
# Old code against new, AT THE SAME TIME: bench/send.py in a tree of REV and in this one,
# side by side, each on its own PostgreSQL database. This machine's speed drifts by a
# third from one minute to the next, so two runs one after the other compare minutes, not
# code; run together, both see the same machine.
#
#   bench/ab.sh REV [EMAILS] [send.py options...]     e.g. bench/ab.sh 691ce6e 10000
#
# Prints, for each side, the CPU per e-mail of the sender, the SMTP server and the
# PostgreSQL backends. Swap the order of a second run (or repeat) before trusting a gap.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: bench/ab.sh REV [EMAILS] [send.py options...]}
emails=${2:-10000}
shift $(($# < 2 ? $# : 2))
server=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
old=$(mktemp -d)
trap 'rm -rf "$old"' EXIT
git archive "$rev" | tar -x -C "$old"
find locale -name '*.mo' -exec cp --parents {} "$old" \;  # the same translations
py=$PWD/.venv/bin/python
run() {  # tree, database, log, send.py options
  local tree=$1 database=$2 log=$3
  shift 3
  (cd "$tree" && DATABASE_URL="$server/$database" "$py" bench/send.py --letters 0 --emails "$emails" "$@" >"$log" 2>&1)
}
run "$old" relance_ab_old "$old/old.log" "$@" &
run "$PWD" relance_ab_new "$old/new.log" "$@" &
wait
for side in old new; do
  log=$old/$side.log
  sender=$(sed -nE 's/.*sender ([0-9.]+) ms CPU per message, SMTP server ([0-9.]+) ms.*/sender \1 ms, SMTP server \2 ms/p' "$log")
  backends=$(sed -nE 's/.*PostgreSQL backends ([0-9.]+) ms.*/PostgreSQL \1 ms/p' "$log")
  batch=$(sed -nE 's/.*e-mails CPU: batch ([0-9.]+ s).*/batch \1 CPU/p' "$log")
  echo "$side ($([ $side = old ] && echo "$rev" || echo "this tree")): $sender, $backends per e-mail, $batch; $(grep -c MISMATCH "$log" || true) mismatch"
done
