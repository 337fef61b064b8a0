#!/bin/sh
# run-procfs.sh: make-check driver: every /proc fixture through the /proc parsers, mutated.
set -eu
fx="${LW_FIXTURES:-${srcdir:-.}/tests/fixtures}"
exec ./tests/fuzz/fuzz_procfs_corpus -n 1000 $(find "$fx" -type f -path '*/proc/*' -o -type f -path '*/sys/*' | sort)
