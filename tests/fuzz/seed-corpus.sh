#!/bin/sh
# seed-corpus.sh: rebuilds tests/fuzz/corpus/<target>/ from tests/fixtures, with the selector byte each target reads first.
# SPDX-License-Identifier: ISC
# Run from the source tree after adding a fixture; campaigns never write here (run-campaign.sh).
set -eu
top="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
fx="$top/tests/fixtures"
out="$top/tests/fuzz/corpus"

# put TARGET SELECTOR NAME FILE: FILE behind one byte (fuzz_procfs.c's parser, fuzz_mcastpkt.c's
# link type), named NAME so a seed says where it came from.
put() {
	mkdir -p "$out/$1"
	{ printf "\\$(printf %03o "$2")"; cat "$4"; } > "$out/$1/$3"
}

# fuzz_procfs.c's switch: the parser number for a fixture path, or nothing.
procfs_selector() {
	case "$1" in
	*/proc/meminfo) echo 0 ;; */proc/loadavg) echo 1 ;; */fs/file-nr) echo 2 ;;
	*/cpu/online) echo 3 ;; */proc/[0-9]*/stat) echo 4 ;; */proc/[0-9]*/statm) echo 5 ;;
	*/proc/[0-9]*/status) echo 6 ;; */proc/[0-9]*/limits) echo 7 ;; */proc/stat) echo 8 ;;
	*/net/sockstat) echo 9 ;; */net/sockstat6) echo 10 ;; */net/snmp) echo 11 ;;
	*/net/netstat) echo 12 ;; */ipv4/tcp_mem) echo 13 ;; */ipv4/tcp_max_orphans) echo 14 ;;
	*/proc/slabinfo) echo 15 ;; */proc/zoneinfo) echo 16 ;; */proc/buddyinfo) echo 17 ;;
	*/proc/vmstat) echo 18 ;; */net/igmp) echo 19 ;; */net/igmp6) echo 20 ;;
	esac
}

rm -rf "$out/procfs" "$out/mcastpkt" "$out/sockdiag" "$out/config"
find "$fx" -type f \( -path '*/proc/*' -o -path '*/sys/*' \) | sort | while read -r f; do
	sel=$(procfs_selector "$f")
	[ -n "$sel" ] || continue
	rel=${f#"$fx"/}
	put procfs "$sel" "$(echo "$rel" | tr / _)" "$f"
done
for f in "$fx"/mcastpkt/*.bin; do
	case "$(basename "$f")" in
	sll2_*) sel=2 ;; sll_*) sel=1 ;; raw_*) sel=3 ;; *) sel=0 ;;
	esac
	put mcastpkt "$sel" "$(basename "$f")" "$f"
done
mkdir -p "$out/sockdiag" "$out/config"
cp "$fx"/sockdiag/*.bin "$out/sockdiag/"
cp "$fx"/config/*.conf "$out/config/"
