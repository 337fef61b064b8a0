#!/bin/sh
# check-mib-objects.sh: leakwatch(1)'s compiled-in objects (cli/mib_objects.c) are what
# cli/gen-mib-objects.py makes of mibs/LEAKWATCH-MIB.txt today, and net-snmp's own MIB parser
# puts every one of them at the OID leakwatch(1) uses.
# SPDX-License-Identifier: ISC
set -u
top=$(cd "${srcdir:-.}" && pwd)
py=${PYTHON3:-/usr/bin/python3}
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp" "$tmp.names" "$tmp.ours" "$tmp.theirs"' EXIT
"$py" "$top/cli/gen-mib-objects.py" "$top/mibs/LEAKWATCH-MIB.txt" >"$tmp" || exit 1
if ! diff -u "$top/cli/mib_objects.c" "$tmp"; then
	echo "cli/mib_objects.c is stale: run cli/gen-mib-objects.py mibs/LEAKWATCH-MIB.txt >cli/mib_objects.c"
	exit 1
fi
base=${LW_SHARED_MIBS:-$top/../shared/mibs}
if [ ! -f "$base/SNMPv2-SMI.txt" ]; then
	echo "base MIBs not found at $base (set LW_SHARED_MIBS): cannot compare with net-snmp's parser"
	exit 1
fi
# Each object's full OID as leakwatch(1) builds it: the root of agent/lw_oids.h, its group's
# OID, its column or scalar number.
root=$(sed -n 's/^#define LW_MIB_ROOT //p' "$top/agent/lw_oids.h" | tr -d ' ' | tr ',' '.')
"$py" - "$top/cli/mib_objects.c" "$root" >"$tmp.ours" <<'PY' || exit 1
import re, sys
src = open(sys.argv[1]).read()
root = sys.argv[2]
arrays = {}
for m in re.finditer(r'static const struct lw_obj (\w+)\[\] = \{(.*?)\n\};', src, re.S):
    arrays[m.group(1)] = re.findall(r'\{ "(\w+)", (\d+),', m.group(2))
for m in re.finditer(r'\{ "(\w+)", \{ ([\d, ]+) \}, \d+, (\w+), \d+, (\w+), \d+ \}', src):
    oid = m.group(2).replace(', ', '.')
    for name, sub in arrays[m.group(3)]:  # the columns, the index ones included
        print('%s .%s.%s.%s' % (name, root, oid, sub))
PY
sort -u "$tmp.ours" -o "$tmp.ours"
cut -d' ' -f1 "$tmp.ours" >"$tmp.names"
n=$(wc -l <"$tmp.names")
if [ "$n" -lt 250 ]; then
	echo "only $n objects in cli/mib_objects.c"
	exit 1
fi

sed 's/^/LEAKWATCH-MIB::/' "$tmp.names" | MIBDIRS="$top/mibs:$base" xargs snmptranslate \
	-m +LEAKWATCH-MIB -On 2>&1 | sed "/^$/d" >"$tmp.theirs.oids" || exit 1
paste -d' ' "$tmp.names" "$tmp.theirs.oids" >"$tmp.theirs"
rm -f "$tmp.theirs.oids"
if ! diff -u "$tmp.theirs" "$tmp.ours"; then
	echo "cli/mib_objects.c: OIDs differ from net-snmp's reading of LEAKWATCH-MIB (above: - net-snmp, + ours)"
	exit 1
fi
echo "cli/mib_objects.c: $n objects, generated from LEAKWATCH-MIB and at net-snmp's OIDs"
