#!/bin/sh
# Automake test script: runs the Python integration tests (tests/integration) with Debian's pytest.
# SPDX-License-Identifier: ISC
# LEAKWATCHD (absolute path of the daemon) defaults to $abs_top_builddir/agent/leakwatchd.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "$here/../.." && pwd)
if [ -n "${srcdir:-}" ] && [ -d "$srcdir/tests/integration" ]; then
    top_srcdir=$(cd "$srcdir" && pwd)
fi

if [ -z "${LEAKWATCHD:-}" ] && [ -n "${abs_top_builddir:-}" ]; then
    LEAKWATCHD=$abs_top_builddir/agent/leakwatchd
fi
if [ -n "${LEAKWATCHD:-}" ]; then
    case $LEAKWATCHD in
        /*) ;;
        *) LEAKWATCHD=$(pwd)/$LEAKWATCHD ;;
    esac
    export LEAKWATCHD
fi

# the source tree may be read-only (make distcheck): no caches, no bytecode
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

orig=$(pwd)
cd "$top_srcdir" || exit 99
# Arguments go to pytest. A test path is taken relative to the source tree, else to the
# directory the script was started in; without any test path, all of tests/integration runs.
default=tests/integration
n=$#
while [ "$n" -gt 0 ]; do
    arg=$1
    shift
    n=$((n - 1))
    case $arg in
        -*) ;;
        *)
            if [ -e "${arg%%::*}" ]; then
                default=
            elif [ -e "$orig/${arg%%::*}" ]; then
                arg=$orig/$arg
                default=
            fi
            ;;
    esac
    set -- "$@" "$arg"
done
# LW_INTEGRATION=smoke (make distcheck, from tests/quickstart.sh, after the gcc and ASan builds
# ran the whole suite): every module must still be collected from the tarball (a file left out
# of it fails here), then only the quick modules of SMOKE among those asked for run.
if [ "${LW_INTEGRATION:-full}" = smoke ]; then
    /usr/bin/python3 -m pytest -q -p no:cacheprovider --collect-only tests/integration >/dev/null ||
        { echo "run-pytest.sh: the integration tests do not collect from this tree" >&2; exit 1; }
    SMOKE="test_agent.py test_walk.py test_mib_names.py test_cli.py"
    n=$#
    default=tests/integration
    while [ "$n" -gt 0 ]; do
        arg=$1
        shift
        n=$((n - 1))
        case $arg in
            -*) set -- "$@" "$arg" ;;
            *)
                default=
                case " $SMOKE " in
                    *" $(basename "${arg%%::*}") "*) set -- "$@" "$arg" ;;
                esac
                ;;
        esac
    done
    if [ -n "$default" ]; then
        for f in $SMOKE; do
            set -- "$@" "tests/integration/$f"
        done
    fi
    default=
    echo "run-pytest.sh: smoke run (LW_INTEGRATION=smoke): $*"
fi
# Tests marked `once` build or drive the whole product (the Debian package, the demo) or spend
# minutes of real time on what the compiler cannot change (a browser opening the report, a
# detector judging hours of a real process's growth): a run of the whole directory leaves them
# out, `make check-once` (tests/quickstart.sh, once, after the gcc build's suite) runs them.
if [ "$default" = tests/integration ]; then
    set -- -m "not once" "$@"
fi
/usr/bin/python3 -m pytest -q -p no:cacheprovider $default "$@"
rc=$?
# 5: no tests collected, which must not pass
[ "$rc" -eq 5 ] && rc=1
exit "$rc"
