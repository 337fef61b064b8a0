#!/bin/sh
# run-campaign.sh: `make fuzz`: each libFuzzer target for FUZZ_SECONDS from its corpus; new inputs and crashes to a scratch dir.
# SPDX-License-Identifier: ISC
# Usage: run-campaign.sh SRCDIR BUILDDIR TARGET...   (tests/fuzz/README.md)
# FUZZ_SECONDS per target (default 600); FUZZ_OUT the scratch dir (default BUILDDIR/fuzz-out);
# FUZZ_ARGS more libFuzzer options. Targets run one after another: the machine's cores are shared.
set -eu
src=$1 build=$2
shift 2
secs=${FUZZ_SECONDS:-600}
out=${FUZZ_OUT:-$build/fuzz-out}
crashed=0
summary="$out/summary.txt"

mkdir -p "$out"
printf '%-11s %8s %8s %8s %10s %7s\n' target seconds cov ft execs crashes > "$summary"
for t in "$@"; do
	bin="$build/tests/fuzz/fuzz_$t"
	corpus="$out/corpus/$t" crashes="$out/crashes/$t"
	mkdir -p "$corpus" "$crashes"
	# libFuzzer writes new inputs into the first directory only: the scratch corpus. The
	# seeds and the regression cases are read, never written.
	set -- "$corpus" "$src/tests/fuzz/corpus/$t"
	[ -d "$src/tests/fuzz/regress/$t" ] && set -- "$@" "$src/tests/fuzz/regress/$t"
	echo "fuzz_$t: $secs s, corpus $corpus, crashes $crashes"
	rc=0
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
	"$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$crashes/" ${FUZZ_ARGS:-} "$@" > "$out/$t.log" 2>&1 || rc=$?
	# The last status line ("#N DONE cov: C ft: F ...") carries the figures.
	last=$(grep -E '^#[0-9]+.*cov: ' "$out/$t.log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
	n=$(find "$crashes" -type f | wc -l)
	[ "$rc" -eq 0 ] && [ "$n" -eq 0 ] || crashed=1
	printf '%-11s %8s %8s %8s %10s %7s\n' "$t" "$secs" "${cov:-?}" "${ft:-?}" "${execs:-?}" \
		"$n" >> "$summary"
	[ "$rc" -eq 0 ] || echo "fuzz_$t exited $rc: see $out/$t.log" >&2
done
cat "$summary"
if [ "$crashed" -ne 0 ]; then
	echo "crashes in $out/crashes/: fix, then keep each as tests/fuzz/regress/<target>/<name>" >&2
	exit 1
fi
