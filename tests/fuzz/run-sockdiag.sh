#!/bin/sh
# run-sockdiag.sh: make-check driver: captured sock_diag dumps through the parser, mutated, then every regression case.
# SPDX-License-Identifier: ISC
set -eu
top="${abs_top_srcdir:-${srcdir:-.}}"
fx="${LW_FIXTURES:-$top/tests/fixtures}"
# Crashes a campaign found (tests/fuzz/README.md), replayed as they are and mutated.
regress=$(find "$top/tests/fuzz/regress/sockdiag" -type f 2>/dev/null | sort || true)
exec ./tests/fuzz/fuzz_sockdiag_corpus -n 5000 "$fx"/sockdiag/*.bin $regress
