#!/bin/sh
# run-config.sh: make-check driver: sample configurations through the config parser, mutated.
set -eu
fx="${LW_FIXTURES:-${srcdir:-.}/tests/fixtures}"
exec ./tests/fuzz/fuzz_config_corpus -n 5000 "$fx"/config/*.conf
