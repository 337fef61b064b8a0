# The Debian package: built, checked by lintian, installed, its daemon run as the unit runs it, removed and purged.
# SPDX-License-Identifier: ISC
"""debian/ turned into a .deb and used the way an operator would.

This test installs a package on the test machine (dpkg -i), which is allowed here only because
it removes and purges it at the end and leaves /etc as it found it: the package's conffile
goes with the purge, and the system user leakwatch that the package makes (sysusers.d; Debian
keeps system users on purge) is deleted by the test when it did not exist before. If a
leakwatch package is installed already, the test fails rather than replace it. Package scripts
do not start the service (a policy-rc.d that refuses, as tests/quickstart.sh uses, is put in
place for the install when none exists), and the daemon is started by the test in standalone
mode on a loopback port: the host's snmpd is never touched.

The build takes most of the time: DEB_BUILD_OPTIONS="nocheck parallel=2" (the upstream suite
runs separately): 355 s of the module's 6 min 38 s, measured on the 2-core VM under a load
average of about 50 (the benchmarks are left out of the package build).
"""
import os
import pwd
import grp
import re
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from lwdaemons import Leakwatchd
from lwoids import COLLECTOR_COLUMNS, COLLECTOR_ENTRY, SLAB_ENTRY, system_oid
from lwprocs import get_row
from lwsnmp import snmpbulkwalk, walk_rows
from lwutil import REPO, free_udp_port, wait_until

pytestmark = pytest.mark.once

CAPS = "+sys_ptrace,+dac_read_search,+net_raw"
# leakwatchd.service's User=, Group=, AmbientCapabilities=, CapabilityBoundingSet= and
# NoNewPrivileges=, by setpriv(1).
AS_THE_UNIT = ["setpriv", "--reuid=leakwatch", "--regid=leakwatch", "--clear-groups",
               f"--inh-caps=-all,{CAPS}", f"--ambient-caps=-all,{CAPS}",
               f"--bounding-set=-all,{CAPS}", "--no-new-privs"]


def run(argv, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run([str(a) for a in argv], **kw)


def installed(pkg="leakwatch"):
    r = run(["dpkg-query", "-W", "-f=${db:Status-Status}", pkg])
    return r.returncode == 0 and r.stdout.strip() not in ("", "not-installed", "config-files")


def etc_state():
    """Every path under /etc with its type, mode, owner and contents' size and mtime."""
    state = {}
    for dirpath, dirnames, filenames in os.walk("/etc"):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                continue
            state[p] = (st.st_mode, st.st_uid, st.st_gid,
                        st.st_size if stat.S_ISREG(st.st_mode) else 0,
                        st.st_mtime_ns if stat.S_ISREG(st.st_mode) else 0)
    return state


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    for tool in ("dpkg-buildpackage", "dh", "lintian", "fakeroot", "setpriv", "systemd-analyze"):
        assert shutil.which(tool), f"{tool} needed (tests/quickstart.sh installs it)"
    top = tmp_path_factory.mktemp("deb")
    src = top / "leakwatch"
    # The source tree without builds, caches or git: what a source package would hold.
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", "build", "build-*", "autom4te.cache", "__pycache__", ".debhelper", "*.o", "*.lo"))
    env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=2")
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(k, None)
    t0 = time.monotonic()
    r = run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, env=env, timeout=1800)
    took = time.monotonic() - t0
    print(f"dpkg-buildpackage: {took:.0f} s")
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
    debs = sorted(top.glob("leakwatch_*.deb"))
    assert len(debs) == 1, f"one .deb expected in {top}: {os.listdir(top)}"
    return debs[0]


def test_lintian_has_no_error(deb):
    r = run(["lintian", "--no-tag-display-limit", deb])
    tags = [ln for ln in r.stdout.splitlines() if re.match(r"^[EWIX]: ", ln)]
    print("\n".join(tags))
    errors = [t for t in tags if t.startswith("E: ")]
    assert not errors, "\n".join(errors)


def walk_collectors(port):
    return walk_rows(port, COLLECTOR_ENTRY, COLLECTOR_COLUMNS)


def slab_names(port):
    return sorted(vb.value for vb in snmpbulkwalk(port, f"{SLAB_ENTRY}.2"))


def start_standalone(tmpdir, binary, wrapper, state_dir, conf_extra):
    lw = Leakwatchd(tmpdir, master=True, port=free_udp_port(), rocommunity="public 127.0.0.1",
                    interval=1, wrapper=wrapper, binary=binary, state_dir=state_dir,
                    extra_lines=conf_extra)
    return lw


def test_install_run_as_the_unit_remove_purge(deb, tmp_path):
    assert not installed(), "a leakwatch package is installed already: not replacing it"
    user_existed = True
    try:
        pwd.getpwnam("leakwatch")
    except KeyError:
        user_existed = False
    before = etc_state()
    own_policy = not os.path.exists("/usr/sbin/policy-rc.d")
    daemons = []
    try:
        if own_policy:
            Path("/usr/sbin/policy-rc.d").write_text("#!/bin/sh\nexit 101\n")
            os.chmod("/usr/sbin/policy-rc.d", 0o755)
        r = run(["dpkg", "-i", deb], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        assert r.returncode == 0, r.stdout + r.stderr

        # What the package made: the user, the state directory, the conffile, a clean unit.
        pw = pwd.getpwnam("leakwatch")
        assert pw.pw_dir == "/var/lib/leakwatch" and pw.pw_shell == "/usr/sbin/nologin"
        st = os.stat("/var/lib/leakwatch")
        assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == \
            (0o750, pw.pw_uid, grp.getgrnam("leakwatch").gr_gid)
        conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", "leakwatch"]).stdout
        assert "/etc/leakwatch/leakwatchd.conf" in conffiles
        assert Path("/usr/share/snmp/mibs/LEAKWATCH-MIB.txt").is_file()
        assert os.access("/usr/lib/nagios/plugins/check_leakwatch", os.X_OK)
        r = run(["systemd-analyze", "verify", "/lib/systemd/system/leakwatchd.service"])
        assert r.returncode == 0 and r.stdout + r.stderr == "", r.stdout + r.stderr

        # The installed daemon as the unit runs it, and as root, side by side.
        # Outside pytest's 0700 tree: user leakwatch reads the configuration, writes its log.
        conf_dir = Path(tempfile.mkdtemp(prefix="lw-package-"))
        os.chmod(conf_dir, 0o755)
        # A root-owned process with a known number of descriptors: only CAP_SYS_PTRACE lets
        # the leakwatch user count them.
        holder = subprocess.Popen(["sleep", "600"], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            unit_lw = start_standalone(conf_dir / "unit", "/usr/sbin/leakwatchd", AS_THE_UNIT,
                                       "/var/lib/leakwatch", [])
            root_lw = start_standalone(conf_dir / "root", "/usr/sbin/leakwatchd", [],
                                       tmp_path / "root-state", [])
            for lw in (unit_lw, root_lw):
                for sub in (lw.snmpconf, lw.persist, lw.tmpdir):
                    sub.mkdir(exist_ok=True)
                    os.chown(sub, pw.pw_uid, pw.pw_gid)
                daemons.append(lw.start())
            for lw in daemons:
                lw.wait_served(system_oid("lwMemTotalKB"), timeout=30)
            # A few cycles so that every collector (kernel_interval too) has run.
            time.sleep(3)
            tables = [walk_collectors(lw.port) for lw in daemons]
            for lw, rows in zip(daemons, tables):
                for row in rows.values():
                    assert int(row["lwCollectorErrors"]) == 0 and \
                        row["lwCollectorLastError"] in ("", b""), f"{lw.cmdline[:3]}: {row}"
            assert {r["lwCollectorName"] for r in tables[0].values()} == \
                {r["lwCollectorName"] for r in tables[1].values()}
            # /proc/slabinfo (CAP_DAC_READ_SEARCH): the same caches.
            assert slab_names(daemons[0].port) == slab_names(daemons[1].port) != []
            # Another user's descriptors (CAP_SYS_PTRACE): the same count as root's, and /proc's.
            fds = len(os.listdir(f"/proc/{holder.pid}/fd"))
            for lw in daemons:
                row, _ = get_row(lw.port, holder.pid)
                assert int(row["lwProcFds"]) == fds, (lw.cmdline[:3], row)
            # The unit's daemon wrote its history where the unit's StateDirectory= is.
            assert Path("/var/lib/leakwatch/history.db").is_file()
        finally:
            holder.kill()
            holder.wait()
            for lw in daemons:
                if lw.alive():
                    assert lw.stop() == 0, lw.diagnostics()
            shutil.rmtree(conf_dir, ignore_errors=True)

        r = run(["dpkg", "-r", "leakwatch"])
        assert r.returncode == 0, r.stdout + r.stderr
        assert not Path("/usr/sbin/leakwatchd").exists()
        assert Path("/etc/leakwatch/leakwatchd.conf").exists()  # a conffile stays until purge
        r = run(["dpkg", "-P", "leakwatch"])
        assert r.returncode == 0, r.stdout + r.stderr
        assert not Path("/etc/leakwatch").exists()
        assert not Path("/var/lib/leakwatch").exists()
        assert run(["dpkg-query", "-W", "leakwatch"]).returncode != 0 or not installed()
        left = run(["dpkg", "-L", "leakwatch"])
        assert left.returncode != 0, left.stdout
    finally:
        for lw in daemons:
            if lw.alive():
                lw.kill()
        if installed() or run(["dpkg-query", "-W", "leakwatch"]).returncode == 0:
            run(["dpkg", "-P", "leakwatch"])
        if own_policy:
            Path("/usr/sbin/policy-rc.d").unlink(missing_ok=True)
        if not user_existed:
            run(["userdel", "leakwatch"])
            run(["groupdel", "leakwatch"])
    after = etc_state()
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    # userdel rewrites passwd/group/shadow/gshadow (and their backups) to what they were; the
    # shadow suite's lock file may be new.
    changed -= {f"/etc/{f}{s}" for f in ("passwd", "group", "shadow", "gshadow") for s in ("", "-")}
    changed.discard("/etc/.pwd.lock")
    assert not changed, f"/etc changed: {sorted(changed)}"
