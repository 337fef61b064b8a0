# A configuration error on line 3 makes start-up fail with exit 2 and a FILE:3: message.
# SPDX-License-Identifier: ISC
import pytest

BAD_LINES = {
    "out-of-range": "interval 0",
    "too-large": "interval 86401",
    "not-a-number": "interval soon",
    "unknown-directive": "intervall 5",
    "missing-argument": "interval",
    "window-not-multiple-of-10": "leak_window 605",
}


def config_with_error_on_line_3(bad_line):
    return f"# line 1: a comment\nagentx_ping_interval 5\n{bad_line}\ninterval 10\n"


@pytest.mark.parametrize("bad_line", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_bad_config_fails_startup(tmp_path, lw_factory, bad_line):
    lw = lw_factory(start=False, agentx=f"unix:{tmp_path}/no-master")
    lw.write_config(text=config_with_error_on_line_3(bad_line))
    lw.start()
    code = lw.wait_exit(timeout=10)
    assert code == 2, lw.diagnostics()
    assert f"{lw.conf}:3:" in lw.output(), lw.diagnostics()
    assert not lw.pidfile.exists()


def test_missing_config_file_given_with_c_fails(tmp_path, lw_factory):
    lw = lw_factory(start=False, agentx=f"unix:{tmp_path}/no-master")
    lw.conf.unlink()
    lw.start()
    assert lw.wait_exit(timeout=10) == 2, lw.diagnostics()
    assert str(lw.conf) in lw.output(), lw.diagnostics()


def test_error_once_on_the_terminal_and_once_in_the_log_naming_the_directive(tmp_path,
                                                                              lw_factory):
    """-f -L f FILE: stderr (the terminal) and the log file each get the error once, naming the
    directive (not the MIB object lwLeakWindow)."""
    lw = lw_factory(start=False, agentx=f"unix:{tmp_path}/no-master")
    lw.write_config(text=config_with_error_on_line_3("leak_window 605"))
    lw.start()
    assert lw.wait_exit(timeout=10) == 2, lw.diagnostics()
    msg = f"{lw.conf}:3: leak_window: 605 is not a multiple of 10 seconds\n"
    assert lw.stderr() == "leakwatchd: " + msg, lw.diagnostics()
    assert lw.log() == msg, lw.diagnostics()
