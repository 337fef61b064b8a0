#!/bin/sh
# check-layering.sh: src/ is the SNMP-free core: fail if any file there includes net-snmp.
set -eu
src="${srcdir:-.}/src"
bad=$(grep -rlE '#[[:space:]]*include[[:space:]]*[<"]net-snmp/' "$src" --include='*.[ch]' || true)
if [ -n "$bad" ]; then
	echo "src/ must not include net-snmp headers; agent/ maps snapshots to SNMP:" >&2
	echo "$bad" >&2
	exit 1
fi
echo "layering: $(ls "$src"/*.[ch] | wc -l) files in src/, none includes net-snmp"
