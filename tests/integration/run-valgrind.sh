#!/bin/sh
# run-valgrind.sh: make-check driver: the daemon-lifecycle, TCP, kernel-memory and multicast
# integration tests with leakwatchd under valgrind; any memory error or definite leak makes the
# daemon exit 99, which the tests fail on.
# SPDX-License-Identifier: ISC
set -u
here=$(cd "$(dirname "$0")" && pwd)
LEAKWATCHD_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
export LEAKWATCHD_WRAPPER
t=$here
exec "$here/run-pytest.sh" "$t/test_walk.py" "$t/test_signals.py" "$t/test_sighup.py" \
	"$t/test_blocked_collector.py" \
	"$t/test_notifications.py" "$t/test_standalone.py" "$t/test_master_restart.py" \
	"$t/test_tcp.py" "$t/test_kernel.py" "$t/test_mcast.py" "$t/test_alarms.py"
