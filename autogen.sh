#!/bin/sh
# autogen.sh: makes ./configure in a git clone (a release tarball already has it).
# SPDX-License-Identifier: ISC
set -e
cd "$(dirname "$0")"
autoreconf -fi
echo "autogen.sh: now run ./configure && make && make install (README.md, Install)"
