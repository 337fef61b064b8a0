# Command-line contract: -V and -h exit 0, an unknown option exits 2.
# SPDX-License-Identifier: ISC
import subprocess

from lwharness import leakwatchd_path


def run(*args):
    return subprocess.run([str(leakwatchd_path()), *args], capture_output=True, text=True,
                          timeout=10, stdin=subprocess.DEVNULL)


def test_version_exits_0():
    p = run("-V")
    assert p.returncode == 0 and p.stdout.strip(), p


def test_help_exits_0_and_shows_usage():
    p = run("-h")
    assert p.returncode == 0, p
    assert "-c" in p.stdout and "-x" in p.stdout, p


def test_unknown_option_exits_2():
    p = run("-Z")
    assert p.returncode == 2, p
    assert p.stderr.strip(), p
