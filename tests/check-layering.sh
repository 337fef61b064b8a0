#!/bin/sh
# check-layering.sh: the tree's dependency rules (docs/DESIGN.md, "The map"), checked on every make check.
# SPDX-License-Identifier: ISC
#   1. nothing in src/ includes net-snmp: SNMP is a layer on top (agent/);
#   2. each src/ folder includes only the folders it may use (the table below); from cycle/ a
#      collector includes only the collector interface (cycle/collector.h), never the registry;
#   3. agent/ never opens /proc or /sys: it serves snapshots, the sampler reads the kernel;
#   4. no include cycle among src/'s headers and sources.
set -eu
src="${srcdir:-.}/src"
agent="${srcdir:-.}/agent"
fail=0

# A check that finds nothing to check must not pass: srcdir is wrong.
if ! ls "$src"/base/*.h >/dev/null 2>&1 || ! ls "$agent"/*.c >/dev/null 2>&1; then
	echo "check-layering: no sources under $src and $agent (is srcdir set?)" >&2
	exit 1
fi

# The one file of cycle/ a collector folder may include: the interface it implements, which
# itself includes only base/ and config/. The registry (cycle/registry.h) includes the collectors.
collector_interface="cycle/collector.h"
collector_folders=" sys proc net kmem mcast "

# Folder -> the folders its files may include (itself always). Collectors (sys, proc, net, kmem,
# mcast) never include detect or history: the cycle runs those as stages after collection.
allowed() {
	case $1 in
	base) echo "" ;;
	config) echo "base" ;;
	sys) echo "base" ;;
	proc) echo "base config sys" ;;
	net) echo "base config" ;;
	kmem) echo "base config proc" ;;
	mcast) echo "base config" ;;
	detect) echo "base config sys proc net kmem" ;;
	history) echo "base config" ;;
	report) echo "base config sys proc net kmem detect history" ;;
	cycle) echo "base config sys proc net kmem mcast detect history" ;;
	*) echo "?" ;;
	esac
}

bad=$(grep -rlE '#[[:space:]]*include[[:space:]]*[<"]net-snmp/' "$src" --include='*.[ch]' || true)
if [ -n "$bad" ]; then
	echo "src/ must not include net-snmp headers; agent/ maps snapshots to SNMP:" >&2
	echo "$bad" >&2
	fail=1
fi

files=0
for dir in "$src"/*/; do
	folder=$(basename "$dir")
	ok=$(allowed "$folder")
	if [ "$ok" = "?" ]; then
		echo "src/$folder/ is not in check-layering.sh's table: say what it may include" >&2
		fail=1
		continue
	fi
	for f in "$dir"*.[ch]; do
		files=$((files + 1))
		for inc in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([a-z_]*\)\/.*/\1/p' "$f" | sort -u); do
			[ "$inc" = "$folder" ] && continue
			if [ "$inc" = cycle ] && case $collector_folders in *" $folder "*) true ;; *) false ;; esac; then
				others=$(sed -n 's/^#[[:space:]]*include[[:space:]]*"\(cycle\/[^"]*\)".*/\1/p' "$f" |
					grep -vx "$collector_interface" || true)
				if [ -n "$others" ]; then
					echo "src/$folder/$(basename "$f") includes $others: a collector includes" \
						"only $collector_interface from cycle/" >&2
					fail=1
				fi
				continue
			fi
			case " $ok " in
			*" $inc "*) ;;
			*)
				echo "src/$folder/$(basename "$f") includes $inc/: src/$folder may use only: ${ok:-nothing}" >&2
				fail=1
				;;
			esac
		done
	done
done
if ls "$src"/*.[ch] >/dev/null 2>&1; then
	echo "files directly in src/ belong in a subsystem folder: $(ls "$src"/*.[ch])" >&2
	fail=1
fi

# agent/ reads what the sampler published, never the kernel's files.
opens=$(grep -nE '"/(proc|sys)/' "$agent"/*.[ch] || true)
if [ -n "$opens" ]; then
	echo "agent/ must not read /proc or /sys (collectors in src/ do):" >&2
	echo "$opens" >&2
	fail=1
fi

# No include cycle: every file's includes, as "file included" edges, must sort topologically.
edges=$(for f in "$src"/*/*.[ch]; do
	rel=${f#"$src"/}
	base=${rel%.*}
	for inc in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([a-z_]*\/[a-z_0-9]*\)\.h".*/\1/p' "$f"); do
		# A .c file and its own header are one node: the header is its interface.
		[ "$inc" = "$base" ] || echo "$base $inc"
	done
done | sort -u)
if ! printf '%s\n' "$edges" | tsort >/dev/null 2>"${TMPDIR:-/tmp}/lw-tsort.$$"; then
	echo "include cycle in src/ (a file and its header count as one):" >&2
	grep -v '^tsort: -:' "${TMPDIR:-/tmp}/lw-tsort.$$" | sed 's/^tsort: /  /' >&2
	fail=1
fi
rm -f "${TMPDIR:-/tmp}/lw-tsort.$$"

[ "$fail" -eq 0 ] || exit 1
echo "layering: $files files in $(ls -d "$src"/*/ | wc -l) folders of src/; no net-snmp, no folder" \
	"beyond its table, no /proc in agent/, no include cycle"
