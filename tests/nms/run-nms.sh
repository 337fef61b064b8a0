#!/usr/bin/env bash
# run-nms.sh: every NMS client test module, a few at a time (each in its own namespace), one summary line.
# SPDX-License-Identifier: ISC
# Most of a module's time is spent waiting for a leak to be detected (about two minutes at
# interval 1), not on the CPU, so modules run side by side: LW_NMS_JOBS at once (default 3).
# Each module's output goes to $LW_NMS_LOGDIR/<module>.log; the last line printed is
# "nms: N passed, N failed" (what tests/quickstart.sh counts).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
logdir=${LW_NMS_LOGDIR:-$(pwd)/tests/nms}
jobs=${LW_NMS_JOBS:-3}
mkdir -p "$logdir"

# The slowest first, so the pool drains evenly; a module not listed runs at the end.
order="test_zabbix.py test_traps.py test_prometheus.py test_nagios.py test_cacti.py
test_check_leakwatch.py test_icinga.py test_collectd.py test_nmsenv.py"
modules=
for m in $order; do
	[ -f "$here/$m" ] && modules="$modules $m"
done
for f in "$here"/test_*.py; do
	m=$(basename "$f")
	case " $modules " in *" $m "*) ;; *) modules="$modules $m" ;; esac
done

run_one() {
	m=$1
	log="$logdir/${m%.py}.log"
	start=$(date +%s)
	sh "$top_srcdir/tests/integration/run-pytest.sh" "tests/nms/$m" -p no:cacheprovider \
		>"$log" 2>&1
	rc=$?
	echo "$m: exit $rc after $(($(date +%s) - start)) s"
}

# a pool of $jobs workers over the module list
running=0
for m in $modules; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$m" &
	running=$((running + 1))
done
wait

# totals from each module's pytest summary line ("3 passed, 1 failed in 95.2s", "1 error")
passed=0
failed=0
for m in $modules; do
	log="$logdir/${m%.py}.log"
	line=$(grep -E '^(=+ )?[0-9]+ (passed|failed|errors?|skipped)' "$log" | tail -1)
	p=$(echo "$line" | grep -oE '[0-9]+ passed' | cut -d' ' -f1)
	f=$(echo "$line" | grep -oE '[0-9]+ (failed|errors?)' | awk '{n += $1} END {print n + 0}')
	s=$(echo "$line" | grep -oE '[0-9]+ skipped' | cut -d' ' -f1)
	[ -n "$line" ] || f=1 # no summary: the module crashed or hung
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${s:-0})) # a skipped NMS test is a defect, counted as failed
	if [ -z "$line" ] || [ "${f:-0}" != 0 ] || [ "${s:-0}" != 0 ]; then
		echo "---- $m (last 40 lines of $log)"
		tail -40 "$log" | grep -vE '^(=+ )?[0-9]+ (passed|failed|errors?)'
	fi
done
echo "nms: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
