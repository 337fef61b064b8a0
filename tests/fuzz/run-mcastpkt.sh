#!/bin/sh
# run-mcastpkt.sh: make-check driver: hand-built multicast frames through the parser, mutated, then every regression case.
# SPDX-License-Identifier: ISC
set -eu
top="${abs_top_srcdir:-${srcdir:-.}}"
fx="${LW_FIXTURES:-$top/tests/fixtures}"
# Crashes a campaign found (tests/fuzz/README.md), replayed as they are and mutated.
regress=$(find "$top/tests/fuzz/regress/mcastpkt" -type f 2>/dev/null | sort || true)
exec ./tests/fuzz/fuzz_mcastpkt_corpus -n 5000 "$fx"/mcastpkt/*.bin $regress
