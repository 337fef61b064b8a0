#!/bin/sh
# run-thresholds.sh: make-check driver: thresholds files and SET sequences through the loader and the checks, mutated, then every regression case.
# SPDX-License-Identifier: ISC
set -eu
top="${abs_top_srcdir:-${srcdir:-.}}"
fx="${LW_FIXTURES:-$top/tests/fixtures}"
# Crashes a campaign found (tests/fuzz/README.md), replayed as they are and mutated.
regress=$(find "$top/tests/fuzz/regress/thresholds" -type f 2>/dev/null | sort || true)
exec ./tests/fuzz/fuzz_thresholds_corpus -n 2000 "$top"/tests/fuzz/corpus/thresholds/* $regress
