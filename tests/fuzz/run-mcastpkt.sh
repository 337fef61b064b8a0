#!/bin/sh
# run-mcastpkt.sh: make-check driver: hand-built multicast frames through the parser, mutated.
set -eu
fx="${LW_FIXTURES:-${srcdir:-.}/tests/fixtures}"
exec ./tests/fuzz/fuzz_mcastpkt_corpus -n 5000 "$fx"/mcastpkt/*.bin
