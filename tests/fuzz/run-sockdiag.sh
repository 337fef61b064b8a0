#!/bin/sh
# run-sockdiag.sh: make-check driver: captured sock_diag dumps through the parser, mutated.
set -eu
fx="${LW_FIXTURES:-${srcdir:-.}/tests/fixtures}"
exec ./tests/fuzz/fuzz_sockdiag_corpus -n 5000 "$fx"/sockdiag/*.bin
