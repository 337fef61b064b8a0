# leakwatchd's command line and start-up: long options, -t, -L, config errors once, rules
# between directives, a relative -c after daemonizing, the AgentX connection's reason, a clean
# stop beside a stopping master, notifications without SNMPv1 conversion noise.
# SPDX-License-Identifier: ISC
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from lwharness import Leakwatchd
from lwoids import AGENT_SCALARS, NOTIFICATIONS, threshold_oid
from lwsnmp import snmpset
from lwutil import leakwatchd_path, wait_until

UNPRIVILEGED = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
CROSS = "interval 60\nleak_window 100\n"
CROSS_MSG = ":3: leak_window 100 s is shorter than ten intervals (interval 60 s: at least 600)"


def lwd(*args, cwd=None, timeout=10):
    """leakwatchd run to its end: (exit code, stdout, stderr)."""
    p = subprocess.run([str(leakwatchd_path()), *map(str, args)], cwd=cwd, timeout=timeout,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def conf(tmp_path, text, name="lw.conf"):
    state = tmp_path / "state"
    path = tmp_path / name
    path.write_text(f"state_dir {state}\n{text}")
    return path, state


def test_help_and_version_go_to_stdout_with_status_0():
    for opt in ("--help", "-h"):
        code, out, err = lwd(opt)
        assert (code, err) == (0, ""), err
        for word in ("--check-config", "--foreground", "--config", "--agentx-socket", "--master",
                     "--listen", "--pidfile", "--log", "--version", "s [FACILITY]"):
            assert word in out, (opt, out)
    code, out, err = lwd("--version")
    assert (code, err) == (0, "")
    assert re.fullmatch(r"leakwatchd \d+\.\d+\.\d+\S*\n", out), out
    assert lwd("-V")[1] == out


def test_usage_errors_exit_2():
    code, out, err = lwd("--bogus")
    assert code == 2 and out == ""
    assert "unrecognized option '--bogus'" in err and "leakwatchd --help" in err, err
    code, _, err = lwd("-f", "stray")
    assert (code, err) == (2, "leakwatchd: unexpected argument 'stray'\n")
    code, _, err = lwd("--master")
    assert (code, err) == (2, "leakwatchd: -M and -l ADDR go together\n")


def test_check_config_accepts_a_good_file_without_starting(tmp_path):
    path, state = conf(tmp_path, "interval 30\nleak_window 300\n")
    pid = tmp_path / "lw.pid"
    code, out, err = lwd("-t", "-c", path, "-p", pid, "-x", f"unix:{tmp_path}/none")
    assert (code, err) == (0, ""), err
    assert out == f"leakwatchd: {path}: configuration OK\n"
    assert lwd("--check-config", "--config", path)[:2] == (0, out)
    # never starts: no state directory, no pid file
    assert not state.exists() and not pid.exists()


def test_check_config_reports_a_rule_between_directives(tmp_path):
    path, state = conf(tmp_path, CROSS)
    code, out, err = lwd("-t", "-c", path)
    # the file's first line is state_dir: the rule's later line is line 3
    assert (code, out) == (2, "")
    assert err == f"leakwatchd: {path}:3: leak_window 100 s is shorter than ten intervals " \
                  "(interval 60 s: at least 600)\n"
    assert not state.exists()


@pytest.mark.parametrize("text,want", [
    ("leak_window 605\n", ":2: leak_window: 605 is not a multiple of 10 seconds"),
    ("leak_window 1200\nleak_warmup 600\n",
     ":3: leak_warmup 600 s is shorter than leak_window 1200 s (0 or at least one window)"),
    ("leak_window 100\ninterval 60\n",
     ":3: leak_window 100 s is shorter than ten intervals (interval 60 s: at least 600)"),
])
def test_config_error_printed_once_naming_the_directive(tmp_path, text, want):
    path, state = conf(tmp_path, text)
    code, out, err = lwd("-f", "-L", "e", "-c", path, "-x", f"unix:{tmp_path}/none")
    assert code == 2
    assert err == f"leakwatchd: {path}{want}\n", err
    assert "lwLeak" not in err
    assert not state.exists()


def test_log_option_forms(tmp_path):
    path, _ = conf(tmp_path, "leak_window 605\n")
    msg = f"leakwatchd: {path}:2: leak_window: 605 is not a multiple of 10 seconds\n"
    # "-L s" is syslog's daemon facility; the next word is a facility only if not an option
    for form in (["-L", "s"], ["-Ls"], ["-L", "s", "d"], ["-Ls0"], ["--log", "s"], ["-L", "n"],
                 ["-LS", "4", "d"], ["-L", "e"]):
        code, out, err = lwd("-f", *form, "-c", path)
        assert (code, err) == (2, msg), form
    code, _, err = lwd("-f", "-L", "s", "x", "-c", path)
    assert code == 2 and "unknown syslog facility 'x' (d, u or 0-7)" in err, err
    # -L f FILE: the terminal and the file each get the error once
    log = tmp_path / "lw.log"
    code, _, err = lwd("-f", "-L", "f", log, "-c", path)
    assert (code, err) == (2, msg)
    assert log.read_text() == msg[len("leakwatchd: "):]


@pytest.mark.parametrize("form,pri", [(["-L", "s"], 8 * 3 + 3), (["-Ls"], 8 * 3 + 3),
                                      (["-L", "s", "0"], 8 * 16 + 3)])
def test_log_s_reaches_syslog(tmp_path, form, pri):
    """-L s is syslog's daemon facility (3), -L s 0 local0 (16): the error (LOG_ERR, 3) arrives
    at /dev/log as <facility*8+3> (RFC 3164 4.1.1). /dev/log is this test's socket, bound over a
    private /dev in a mount namespace of the daemon's own (the host's /dev is untouched)."""
    assert shutil.which("unshare"), "unshare (util-linux) needed"
    path, _ = conf(tmp_path, "leak_window 605\n")
    sock_path = tmp_path / "log.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(sock_path))
        sock.settimeout(5)
        argv = " ".join(shlex.quote(str(a)) for a in [leakwatchd_path(), "-f", *form, "-c", path])
        script = (f"mount -t tmpfs none /dev && touch /dev/log && "
                  f"mount --bind {shlex.quote(str(sock_path))} /dev/log && exec {argv}")
        p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                           capture_output=True, text=True, timeout=10)
        assert p.returncode == 2, p.stderr
        assert p.stderr == f"leakwatchd: {path}:2: leak_window: 605 is not a multiple of 10 " \
                           "seconds\n"
        got = sock.recv(4096).decode()
    assert re.fullmatch(rf"<{pri}>.* leakwatchd\[\d+\]: {re.escape(str(path))}:2: leak_window: "
                        r"605 is not a multiple of 10 seconds\n?", got), got


def wait_text(path, text, timeout=10):
    return wait_until(lambda: text in path.read_text(), timeout, what=f"{text!r} in {path}")


def test_sighup_after_daemonizing_with_relative_paths(tmp_path):
    """-c and -p relative to the start directory still name their files once the daemon runs
    in / (netsnmp_daemonize); a bad reload keeps the running configuration."""
    path, state = conf(tmp_path, "interval 1\nleak_window 10\nleak_warmup 0\n", "good.conf")
    log = tmp_path / "lw.log"
    code, out, err = lwd("-c", "good.conf", "-p", "lw.pid", "-L", "f", log, "-x",
                         f"unix:{tmp_path}/none", cwd=tmp_path)
    assert (code, out, err) == (0, "", "")
    pidfile = tmp_path / "lw.pid"
    wait_until(pidfile.exists, 10, what="the pid file")
    pid = int(pidfile.read_text())
    try:
        assert os.readlink(f"/proc/{pid}/cwd") == "/"
        wait_text(log, "started")
        path.write_text(f"state_dir {state}\ninterval 2\nleak_window 20\nleak_warmup 0\n")
        os.kill(pid, signal.SIGHUP)
        wait_text(log, f"configuration reloaded from {path} (interval 2 s)")
        path.write_text(f"state_dir {state}\n{CROSS}")
        os.kill(pid, signal.SIGHUP)
        wait_text(log, f"reload failed, keeping the running configuration: {path}{CROSS_MSG}")
        assert "good.conf: No such file" not in log.read_text()
        os.kill(pid, signal.SIGTERM)
        # the pid file, named relatively at start, is removed by the daemon in /
        wait_until(lambda: not pidfile.exists(), 10, what="the pid file removed")
    finally:
        if Path(f"/proc/{pid}").exists() and pidfile.exists():
            os.kill(pid, signal.SIGKILL)
    assert "leakwatchd stopping" in log.read_text()


def test_agentx_reason_missing_socket_logged_once(tmp_path, lw_factory):
    lw = lw_factory(agentx=f"unix:{tmp_path}/nowhere/master", agentx_ping_interval=1,
                    trap2sink="127.0.0.1:9 public")
    wait_text(lw.log_path, "cannot connect")
    time.sleep(3.5)  # three more attempts at the 1 s ping interval
    line = (f"cannot connect to the AgentX master at unix:{tmp_path}/nowhere/master: No such "
            "file or directory; retrying every 1 s")
    assert lw.log().count(line) == 1, lw.diagnostics()
    assert "Failed to connect to the agentx master" not in lw.log()
    # a standalone master's directive in a subagent's file is said to be unused
    assert lw.log().count("trap2sink applies to the standalone master (-M) only; this "
                          "subagent's notifications go to its master agent's sinks") == 1


def test_agentx_reason_permission_denied_as_nobody(nobody_dir, snmpd, _daemons):
    """As nobody against snmpd's root-owned socket in a 0700 directory (agentXPerms 0600 0700):
    the reason names the directory it cannot search."""
    d, uid, gid = nobody_dir
    lw = Leakwatchd(d / "lw", agentx=snmpd.agentx, interval=1, agentx_ping_interval=1,
                    wrapper=UNPRIVILEGED)
    _daemons.append(lw)
    for sub in (lw.snmpconf, lw.persist):
        sub.mkdir(exist_ok=True)
    for p in [d, *d.rglob("*")]:
        os.chown(p, uid, gid)
    lw.start()
    wait_text(lw.log_path, "cannot connect")
    time.sleep(2.5)
    log = lw.log()
    found = re.findall(rf"cannot connect to the AgentX master at {re.escape(snmpd.agentx)}: "
                       r"Permission denied \(directory (\S+) is mode 0700, owner uid 0 gid 0; "
                       rf"leakwatchd runs as uid {uid} gid {gid}\)", log)
    assert len(found) == 1, lw.diagnostics()
    assert str(snmpd.socket_path).startswith(found[0] + "/")
    assert "Failed to connect to the agentx master" not in log


def test_stop_with_the_master_is_clean_and_traps_carry_no_v1_noise(trapd, snmpd_factory,
                                                                    lw_factory):
    """An alarm (load above 0.01 per CPU: always) reaches snmptrapd through snmpd's trap2sink
    with no v2->v1 conversion warning; then snmpd and leakwatchd stopped at once log no
    net-snmp assertion."""
    snmpd = snmpd_factory(trap2sink=f"{trapd.address} public")
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1,
                    extra_lines=["alarm_load_per_cpu 1"])
    wait_until(lambda: trapd.notifications(NOTIFICATIONS["lwLoadHigh"]), 20,
               what="lwLoadHigh at snmptrapd")
    snmpd.send_signal(signal.SIGTERM)
    lw.send_signal(signal.SIGTERM)
    assert lw.wait_exit(10) == 0, lw.diagnostics()
    snmpd.wait_exit(10)
    log = lw.log()
    for noise in ("v2->v1", "Counter64", "netsnmp_assert", "lock_holded", "_callback_lock"):
        assert noise not in log, lw.diagnostics()
    assert "alarm" in log and "raised" in log


def test_set_and_reload_keep_ten_intervals_a_window(snmpd, lw_factory):
    """The SET path names the MIB objects: lwLeakWindow below ten lwSampleInterval is
    inconsistentValue; a reload whose new interval leaves a window set over SNMP short is
    refused, and the running configuration stays."""
    window = threshold_oid("lwLeakWindow")
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1,
                    extra_lines=["leak_warmup 0"])
    lw.wait_served(window)
    assert snmpset(lw.port, (window, "u", 10)) is None
    lw.write_config(interval=2)
    lw.send_signal(signal.SIGHUP)
    thresholds = lw.state_dir / "thresholds"
    line = (f"reload failed, keeping the running configuration: {lw.conf}: leak_window 10 s "
            f"is shorter than ten intervals (interval 2 s: at least 20) (the leak_window set "
            f"over SNMP, kept in {thresholds})")
    wait_text(lw.log_path, line)
    assert lw.get(AGENT_SCALARS["lwSampleInterval"])[0].value == 1
    assert snmpset(lw.port, (window, "u", 9990)) is None
    assert snmpset(lw.port, (window, "u", 5)) == "wrongValue"
    lw.write_config(interval=999)
    lw.send_signal(signal.SIGHUP)
    wait_text(lw.log_path, "configuration reloaded")
    assert lw.get(AGENT_SCALARS["lwSampleInterval"])[0].value == 999
    assert snmpset(lw.port, (window, "u", 9000)) == "inconsistentValue"
    assert "SET refused: lwLeakWindow 9000 s is shorter than ten lwSampleInterval of 999 s" \
        in lw.log()
