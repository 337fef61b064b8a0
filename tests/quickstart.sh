#!/usr/bin/env bash
# quickstart.sh: the README's two commands on a fresh Debian 12 host (as root):
# SPDX-License-Identifier: ISC
#   demo: install what the demo needs, build, run a private snmpd + leakwatchd + snmptrapd and a
#         process that leaks until Ctrl-C (tests/integration/lwdemo.py)
#   test: install what is missing, then the whole suite (gcc build, clang ASan/UBSan build,
#         distcheck), ending with one summary line "tests: N passed, N failed".
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# Debian packages the build and the demo use; only missing ones are installed.
packages=(gcc make autoconf automake libtool pkg-config
	libsnmp-dev libpcap-dev libsqlite3-dev libarchive-dev libssl-dev libcap-dev libsystemd-dev
	snmpd snmp snmptrapd python3 procps)
# Test only: the second compiler (ASan/UBSan build), unit-test and pytest frameworks, MIB
# checker, valgrind, the tools the integration tests build their networks with, and those that
# check the unit and build, check and install the Debian package (test_install.py, test_package.py).
test_packages=(clang libcmocka-dev python3-pytest smitools valgrind iproute2 nftables
	systemd util-linux debhelper dpkg-dev fakeroot lintian)
# Test only: the real NMS clients the integration tests of nms/ drive, and the browser that
# opens the report (tests/integration/test_report_html.py), each from Debian.
nms_packages=(prometheus-snmp-exporter prometheus collectd-core snmptt
	monitoring-plugins-basic monitoring-plugins-standard nagios4-core icinga2-bin icinga2-common
	postgresql zabbix-server-pgsql zabbix-frontend-php php-pgsql php-cli
	cacti mariadb-server php-intl rrdtool curl
	chromium chromium-driver python3-selenium)

install_missing() {
	local missing=() p
	for p in "${packages[@]}" "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	((${#missing[@]} == 0)) && return 0
	echo "quickstart: installing ${missing[*]}"
	apt-get update -qq
	# Package scripts must not start the clients as system services (the tests run private
	# instances): without a policy-rc.d, one that refuses (exit 101) is in place for the install.
	local own_policy=
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		own_policy=1
	fi
	# Cacti: no database configured by dbconfig-common (the test makes a private one).
	echo 'cacti cacti/dbconfig-install boolean false' | debconf-set-selections
	local rc=0
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		>/dev/null || rc=$?
	[[ -n $own_policy ]] && rm -f /usr/sbin/policy-rc.d
	return $rc
}

# build DIR [configure options...]: configure once, then make (re-run is incremental).
build() {
	local dir=$1
	shift
	(cd "$top" && { [[ -x configure ]] || autoreconf -fi >/dev/null; })
	mkdir -p "$top/$dir"
	(cd "$top/$dir" && { [[ -f Makefile ]] || "$top/configure" -q "$@"; } && make -s -j"$jobs")
}

# Counts test cases in automake logs: cmocka and pytest cases, 1 for any other test script.
count_results() {
	awk '
	FNR == 1 { if (prev != "") settle(); prev = FILENAME; p = f = 0; counted = 0; result = "" }
	/^\[  PASSED  \] [0-9]+ test/ { p += $4; counted = 1 }
	/^\[  FAILED  \] [0-9]+ test/ { f += $4; counted = 1 }
	/^=*[ ]*[0-9]+ (passed|failed|errors?)/ || / [0-9]+ passed/ {
		for (i = 1; i <= NF; i++) {
			if ($(i + 1) ~ /^passed/) { p = $i; counted = 1 }
			if ($(i + 1) ~ /^(failed|errors?)/) { f += $i; counted = 1 }
		}
	}
	/^(PASS|FAIL|ERROR|XPASS|SKIP) / { result = $1 }
	function settle() {
		if (!counted) { if (result == "PASS") p = 1; else f = 1 }
		tp += p; tf += f
	}
	END { if (prev != "") settle(); printf "%d %d\n", tp, tf }
	' "$@"
}

run_suite() {
	local dir=$1 label=$2
	shift 2
	echo "== $label"
	local rc=0
	(cd "$top/$dir" && make -s -j"$jobs" check "$@") || rc=$?
	grep -hE '^# (TOTAL|PASS|FAIL|ERROR)' "$top/$dir/test-suite.log" | tr '\n' ' '
	echo
	((rc == 0)) || { echo "== $label failed; see $dir/test-suite.log:"; sed -n '/^FAIL\|^ERROR/,+60p' "$top/$dir/test-suite.log" | head -150; }
	return $rc
}

# run_once TARGET LOG LABEL: make TARGET once in the gcc build, its output in build/tests/LOG.log;
# the last line shown when it passes, the last 60 when it fails.
run_once() {
	local target=$1 log=$top/build/tests/$2.log
	echo "== $3"
	if (cd "$top/build" && make -s "$target" >"$log" 2>&1); then
		tail -1 "$log"
	else
		tail -60 "$log"
		return 1
	fi
}

cmd_test() {
	install_missing "${test_packages[@]}" "${nms_packages[@]}"
	# The base MIBs beside the checkout; named explicitly so distcheck's copy finds them too.
	if [[ -f $top/../shared/mibs/SNMPv2-SMI.txt ]]; then
		LW_SHARED_MIBS=$(cd "$top/../shared/mibs" && pwd)
		export LW_SHARED_MIBS
	fi
	local rc=0 logs=()
	build build
	run_suite build "gcc build: unit, fuzz corpus, integration (real snmpd, valgrind)" || rc=1
	logs+=("$top"/build/tests/*.log "$top"/build/tests/*/*.log)
	# The NMS integrations against their real clients, once (gcc build).
	run_once check-nms nms "NMS clients: Zabbix, Nagios, Icinga, Prometheus, Cacti, collectd, snmptrapd/SNMPTT" ||
		rc=1
	# Once too, the tests marked `once` (run-pytest.sh): the Debian package (built, lintian,
	# installed, run as the unit runs it, purged), the README's demo, the report in Chromium, the
	# sawtooth leak scenario: minutes of real time each.
	run_once check-once once "once: the package, the demo, the browser, the sawtooth (make check-once)" || rc=1
	logs+=("$top"/build/tests/nms.log "$top"/build/tests/once.log)
	CC=clang build build-asan --enable-sanitizers
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_suite build-asan "clang ASan+UBSan build: unit, fuzz corpus, integration" || rc=1
	logs+=("$top"/build-asan/tests/*.log "$top"/build-asan/tests/*/*.log)
	# The tarball's own check: unit tests, fuzz corpora, every integration module collected and
	# the quick ones run (the whole integration suite ran in both builds above).
	echo "== make distcheck (tarball, read-only VPATH build, check with an integration smoke run, install/uninstall)"
	if (cd "$top/build" && LW_INTEGRATION=smoke make -s distcheck >distcheck.log 2>&1); then
		grep -E 'archives ready|\.tar\.gz' "$top/build/distcheck.log" | head -3
		echo ":distcheck passed"
	else
		tail -40 "$top/build/distcheck.log"
		rc=1
	fi
	read -r passed failed < <(count_results "${logs[@]}")
	((rc == 0)) || failed=$((failed > 0 ? failed : 1))
	echo "tests: $passed passed, $failed failed"
	return $rc
}

cmd_demo() {
	install_missing
	build build
	LEAKWATCHD="$top/build/agent/leakwatchd" exec python3 "$top/tests/integration/lwdemo.py"
}

case "${1:-}" in
test) cmd_test ;;
demo) cmd_demo ;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
