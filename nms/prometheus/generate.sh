#!/bin/sh
# Regenerates snmp.yml (snmp_exporter 0.21 modules "leakwatch" and "leakwatch_slow") from generator.yml with prometheus-snmp-generator.
# SPDX-License-Identifier: ISC
#
# usage: nms/prometheus/generate.sh [OUTPUT]      (default: snmp.yml next to this script)
# MIBs: the project's mibs/ plus the IETF base MIBs LEAKWATCH-MIB imports, which Debian does not
# ship: LW_SHARED_MIBS names their directory (default ../shared/mibs next to the checkout);
# LW_MIBDIRS replaces the whole search path. Nothing under /etc/snmp or /var/lib/snmp is read or
# written (private SNMP_PERSISTENT_DIR, empty SNMPCONFPATH), and the result is checked with
# prometheus-snmp-exporter --dry-run before it replaces OUTPUT.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here/snmp.yml}
mibdirs=${LW_MIBDIRS:-$top/mibs:${LW_SHARED_MIBS:-$top/../shared/mibs}}
generator=${SNMP_GENERATOR:-prometheus-snmp-generator}
exporter=${SNMP_EXPORTER:-prometheus-snmp-exporter}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/persist" "$work/snmpconf"
cp "$here/generator.yml" "$work/generator.yml"
# The generator reads generator.yml and writes snmp.yml in its working directory.
if ! (cd "$work" && SNMP_PERSISTENT_DIR="$work/persist" SNMPCONFPATH="$work/snmpconf" \
        MIBDIRS="$mibdirs" MIBS="" "$generator" --fail-on-parse-errors generate \
        >"$work/generator.log" 2>&1); then
    cat "$work/generator.log" >&2
    echo "generate.sh: $generator failed (MIBDIRS=$mibdirs)" >&2
    exit 1
fi
{
    echo "# snmp_exporter 0.21 modules \"leakwatch\" and \"leakwatch_slow\": made from generator.yml by generate.sh; regenerate, do not edit."
    cat "$work/snmp.yml"
} >"$work/out.yml"
if ! "$exporter" --dry-run --config.file="$work/out.yml" >"$work/dry-run.log" 2>&1; then
    cat "$work/dry-run.log" >&2
    echo "generate.sh: $exporter --dry-run rejects the generated file" >&2
    exit 1
fi
cp "$work/out.yml" "$out"
