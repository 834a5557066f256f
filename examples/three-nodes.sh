#!/bin/sh
# Three members of one coalition on this machine, talking over 127.0.0.1:
# Amina creates a space and starts her node; Bo and Chen start theirs
# (pointed at Amina's with --peer) and join with invite codes Amina made,
# admitted over the network; each makes a change (an event, a case study, a
# ledger entry), and every node ends up holding all three.
# Everything lives in a temporary folder that is removed at the end.
#
#   sh examples/three-nodes.sh [path/to/weft]
set -eu
weft=${1:-./weft}
case $weft in /*) ;; *) weft=$(pwd)/$weft ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/weft-three.XXXXXX")
pids=""

# stop sends SIGINT to every serve still running, waits up to 10 s for each,
# then kills what is left and removes the folder.
stop() {
  for pid in $pids; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in $pids; do
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do i=$((i+1)); sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=""
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

# as NAME CMD... runs weft in NAME's home.
as() { home=$1; shift; WEFT_HOME="$dir/$home" "$weft" "$@"; }

# wait_file FILE waits up to 30 s for FILE to be non-empty.
wait_file() {
  i=0
  while [ ! -s "$1" ]; do
    i=$((i+1))
    [ $i -gt 300 ] && { echo "three-nodes: $1 not ready after 30 s" >&2; return 1; }
    sleep 0.1
  done
}

# holds NAME prints whether NAME's node lists all three changes.
holds() {
  as "$1" event list Coalition 2>/dev/null | grep -q 'Kick-off' &&
    as "$1" case list Coalition 2>/dev/null | grep -q 'Rent strike 2019' &&
    as "$1" ledger list Coalition 2>/dev/null | grep -q 'from Chen'
}

# joined NAME succeeds once NAME's node holds the space and its documents.
joined() {
  as "$1" event list Coalition >/dev/null 2>&1 && as "$1" ledger list Coalition >/dev/null 2>&1
}

serve() {
  who=$1; shift
  WEFT_HOME="$dir/$who" "$weft" serve --listen /ip4/127.0.0.1/tcp/0 --http off \
    --ready-file "$dir/ready-$who" "$@" >"$dir/serve-$who.log" 2>&1 &
  pids="$pids $!"
  wait_file "$dir/ready-$who"
}

echo "== setting up three homes in $dir"
as amina init --no-passphrase --name Amina >/dev/null
as bo init --no-passphrase --name Bo >/dev/null
as chen init --no-passphrase --name Chen >/dev/null
as amina space create Coalition >/dev/null

echo "== starting Amina's node on 127.0.0.1; she invites Bo and Chen"
serve amina
peer=$(head -n 1 "$dir/ready-amina")
for who in bo chen; do
  as amina invite Coalition >"$dir/code-$who.txt" 2>/dev/null
done

echo "== Bo and Chen start their nodes and join with their codes"
for who in bo chen; do
  serve "$who" --peer "$peer"
  as "$who" join - <"$dir/code-$who.txt" >/dev/null
done
for who in bo chen; do
  i=0
  until joined "$who"; do
    i=$((i+1))
    if [ $i -gt 150 ]; then
      echo "three-nodes: $who is not admitted after 30 s; its status and serve log:" >&2
      as "$who" status >&2 || true
      cat "$dir/serve-$who.log" >&2
      exit 1
    fi
    sleep 0.2
  done
done

echo "== one change on each node"
as amina event add Coalition --title 'Kick-off' --start '2027-01-10 18:00' >/dev/null
as bo case add Coalition --title 'Rent strike 2019' --region Lisbon >/dev/null
as chen ledger add Coalition --amount 20 --currency EUR --direction in --memo 'from Chen' >/dev/null

echo "== waiting for every node to hold all three"
for who in amina bo chen; do
  i=0
  until holds "$who"; do
    i=$((i+1))
    if [ $i -gt 150 ]; then
      echo "three-nodes: $who lacks a change after 30 s; its serve log:" >&2
      cat "$dir/serve-$who.log" >&2
      exit 1
    fi
    sleep 0.2
  done
done

for who in amina bo chen; do
  echo "== $who"
  as "$who" event list Coalition
  as "$who" case list Coalition
  as "$who" ledger list Coalition
done

echo "== stopping"
stop
trap - EXIT
echo "== done"
