#!/bin/sh
# run-procfs.sh: make-check driver: every /proc fixture through the /proc parsers, mutated, then every regression case.
# SPDX-License-Identifier: ISC
set -eu
top="${abs_top_srcdir:-${srcdir:-.}}"
fx="${LW_FIXTURES:-$top/tests/fixtures}"
# Crashes a campaign found (tests/fuzz/README.md), replayed as they are and mutated.
regress=$(find "$top/tests/fuzz/regress/procfs" -type f 2>/dev/null | sort || true)
exec ./tests/fuzz/fuzz_procfs_corpus -n 1000 $(find "$fx" -type f -path '*/proc/*' -o -type f -path '*/sys/*' | sort) $regress
