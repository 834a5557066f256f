#!/bin/sh
# First run of weft on this machine's default home (or $WEFT_HOME): set it
# up if needed, make a space, keep a first event and a ledger entry, and show
# them. Everything stays on this machine; no network is used.
#
#   WEFT_PASSPHRASE='a long passphrase' sh examples/first-run.sh [path/to/weft]
set -eu
weft=${1:-./weft}
space=${WEFT_SPACE:-"My coalition"}

if ! "$weft" id >/dev/null 2>&1; then
  "$weft" init --name "${USER:-me}"
fi
if ! "$weft" space show "$space" >/dev/null 2>&1; then
  "$weft" space create "$space"
fi
"$weft" event add "$space" --title "First meeting" --start "2027-01-15 18:00" --kind meeting >/dev/null
"$weft" ledger add "$space" --amount 25.00 --currency EUR --direction in --category donations --memo "first donation" >/dev/null
echo "== events in $space"
"$weft" event list "$space"
echo "== ledger balance"
"$weft" ledger balance "$space"
echo "== history"
"$weft" log "$space" --limit 5
