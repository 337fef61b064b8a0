# lwcacti.py: a private Cacti 1.2 (copy of Debian's tree, own MariaDB under T, CLI install with automation off) inside the test's namespace.
# SPDX-License-Identifier: ISC
"""Debian's cacti lives in /usr/share/cacti and reads /etc/cacti/debian.php; nothing there may be
changed, so the test copies the tree under T, gives the copy its own config.php pointing at a
MariaDB server started under T (socket under T, TCP on 127.0.0.1 of the namespace only), and
installs from the CLI with --automationmode=0: without it the installer enables the shipped
192.168.1.0/24 network discovery and every poll would start a scan."""
import os
import re
import shutil
from pathlib import Path

from nmsenv import NmsError

CACTI_SHARE = Path("/usr/share/cacti")
MARIADB_PORT = 13306


def fix_tree(src, dst):
    """Re-points every symlink of the copy that leaves the tree at its absolute target (relative
    links to Debian's shared javascript, fonts and PHP libraries would dangle in the copy)."""
    for dirpath, dirnames, filenames in os.walk(dst):
        for name in dirnames + filenames:
            link = Path(dirpath) / name
            if not link.is_symlink():
                continue
            target = os.readlink(link)
            if os.path.isabs(target):
                continue
            orig = src / link.relative_to(dst)
            resolved = os.path.normpath(os.path.join(orig.parent, target))
            if not resolved.startswith(str(src) + os.sep):
                link.unlink()
                link.symlink_to(resolved)


class Cacti:
    def __init__(self, nms):
        self.nms = nms
        self.dir = nms.T / "cacti"
        self.share = self.dir / "share"
        self.site = self.share / "site"
        self.sock = self.dir / "mysql.sock"
        self.rra = self.dir / "rra"
        self.log = self.dir / "log" / "cacti.log"

    # -- MariaDB --------------------------------------------------------------------------
    def sql(self, statement, db="cacti"):
        r = self.nms.run(["mariadb", "--no-defaults", "-S", self.sock, "-u", "root", "-N", "-B",
                          *([db] if db else []), "-e", statement], timeout=120)
        if r.returncode != 0:
            raise NmsError(f"mariadb {statement[:80]}: {r.stderr.strip()}")
        return [line.split("\t") for line in r.stdout.splitlines()]

    def start_db(self):
        db = self.dir / "db"
        db.mkdir(parents=True)
        r = self.nms.run(["mariadb-install-db", "--no-defaults", "--user=root", f"--datadir={db}",
                          "--skip-test-db", "--auth-root-authentication-method=normal"], timeout=180)
        if r.returncode != 0:
            raise NmsError(f"mariadb-install-db: {r.stdout}{r.stderr}")
        self.nms.spawn("mariadbd", ["mariadbd", "--no-defaults", "--user=root", f"--datadir={db}",
                                    f"--socket={self.sock}", "--bind-address=127.0.0.1",
                                    f"--port={MARIADB_PORT}", f"--pid-file={self.dir}/mysqld.pid",
                                    f"--log-error={self.dir}/mysqld.err",
                                    "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=0",
                                    "--character-set-server=utf8mb4",
                                    "--collation-server=utf8mb4_unicode_ci"])

        def up():
            try:
                return self.sql("SELECT 1", db=None) == [["1"]]
            except NmsError:
                return False
        self.nms.wait_until(up, 60, what="the private MariaDB")
        self.sql("CREATE DATABASE cacti", db=None)
        self.sql("CREATE USER 'cactiuser'@'localhost' IDENTIFIED BY 'cactipw'", db=None)
        self.sql("GRANT ALL ON cacti.* TO 'cactiuser'@'localhost'", db=None)
        # the installer checks that the Cacti user may read the time zone table
        self.sql("GRANT SELECT ON mysql.time_zone_name TO 'cactiuser'@'localhost'", db=None)
        r = self.nms.run(["sh", "-c", f"mariadb --no-defaults -S {self.sock} -u root cacti "
                                      f"< {CACTI_SHARE}/conf_templates/cacti.sql"], timeout=300)
        if r.returncode != 0:
            raise NmsError(f"loading cacti.sql: {r.stderr}")

    # -- the tree -------------------------------------------------------------------------
    def make_tree(self):
        shutil.copytree(CACTI_SHARE, self.share, symlinks=True)
        fix_tree(CACTI_SHARE, self.share)
        for d in ("log", "rra", "cache/boost", "cache/mibcache", "cache/realtime", "cache/spikekill", "csrf"):
            (self.dir / d).mkdir(parents=True, exist_ok=True)
        for name, target in (("log", self.dir / "log"), ("rra", self.rra), ("cache", self.dir / "cache")):
            p = self.site / name
            if p.is_symlink() or p.exists():
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p)
                else:
                    p.unlink()
            p.symlink_to(target)
        config = self.site / "include" / "config.php"
        if config.is_symlink() or config.exists():
            config.unlink()
        text = (CACTI_SHARE / "conf_templates" / "debian.php.dist").read_text()
        for key, value in (("_DBC_DBNAME_", "cacti"), ("_DBC_DBSERVER_", str(self.sock)),
                           ("_DBC_DBUSER_", "cactiuser"), ("_DBC_DBPASS_", "cactipw"),
                           ("_DBC_DBPORT_", str(MARIADB_PORT))):
            text = text.replace(f"'{key}'", f"'{value}'")
        text = text.replace("'/var/lib/cacti/csrf/secret.php'", f"'{self.dir}/csrf/secret.php'")
        assert "/var/lib/cacti" not in text and "_DBC_" not in text.replace("#$r", ""), text
        config.write_text(text)

    def php(self, script, *args, timeout=300):
        """Runs a Cacti CLI script of the private tree (cli/x.php or site/x.php) in the namespace."""
        return self.nms.run(["php", self.share / script, *args], timeout=timeout, cwd=self.share)

    def install(self):
        # --template=X:0 for one shipped package leaves all of them out (the installer forgets
        # every template choice, then records the one given): the test needs none of Cacti's
        # device packages, whose import takes a minute on a busy machine
        r = self.php("cli/install_cacti.php", "--accept-eula", "--install", "--automationmode=0",
                     f"--path=cactilog:{self.log}", "--template=Cacti_Stats.xml.gz:0")
        if "Installation has now completed" not in r.stdout:
            raise NmsError(f"install_cacti.php: {r.stdout[-3000:]}{r.stderr[-2000:]}")
        return r

    def setup(self):
        self.start_db()
        self.make_tree()
        return self.install()

    # -- processes the poller leaves behind ------------------------------------------------
    def children(self):
        """Pids of the processes running a PHP script of this private tree (poller.php starts
        poller_automation.php, poller_maintenance.php, ... in the background and returns)."""
        pids = []
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                if str(self.share) in cmd:
                    pids.append(int(d.name))
        return pids

    def wait_children(self, timeout=60):
        """Waits for those background processes; any still running are ours and get SIGTERM."""
        try:
            self.nms.wait_until(lambda: not self.children(), timeout, what="Cacti's background scripts")
        finally:
            for pid in self.children():
                try:
                    os.kill(pid, 15)
                except ProcessLookupError:
                    pass

    # -- graphs --------------------------------------------------------------------------
    RENDER = r"""<?php
// render.php: draws every graph of a device through Cacti's own rrdtool_function_graph, the
// code the web interface uses, and prints one JSON line per graph
include('%(site)s/include/cli_check.php');
include_once($config['base_path'] . '/lib/rrd.php');
$rows = db_fetch_assoc_prepared('SELECT gl.id, gtg.title_cache FROM graph_local AS gl
    INNER JOIN graph_templates_graph AS gtg ON gtg.local_graph_id = gl.id WHERE gl.host_id = ?',
    array(intval($argv[1])));
foreach ($rows as $g) {
    $range = array('graph_start' => time() - 3600, 'graph_end' => time());
    $png = rrdtool_function_graph($g['id'], 0, $range);
    $ok = is_string($png) && substr($png, 0, 4) === "\x89PNG";
    $error = $ok ? '' : rrdtool_function_graph($g['id'], 0, $range + array('get_error' => true));
    print json_encode(array('id' => $g['id'], 'title' => $g['title_cache'], 'png' => $ok,
        'bytes' => is_string($png) ? strlen($png) : 0, 'error' => $error)) . PHP_EOL;
}
"""

    def render_graphs(self, host):
        """[{id, title, png, bytes, error}] for every graph of the device."""
        import json
        script = self.dir / "render.php"
        script.write_text(self.RENDER % {"site": self.site})
        r = self.nms.run(["php", script, str(host)], timeout=300, cwd=self.share)
        rows = [json.loads(ln) for ln in r.stdout.splitlines() if ln.startswith("{")]
        if not rows:
            raise NmsError(f"render.php: {r.stdout[-2000:]}{r.stderr[-2000:]}")
        return rows

    # -- objects --------------------------------------------------------------------------
    def one(self, statement):
        rows = self.sql(statement)
        if len(rows) != 1:
            raise NmsError(f"{statement}: {rows}")
        return rows[0][0]

    def rra_path(self, local_data_id):
        path = self.one(f"SELECT data_source_path FROM data_template_data WHERE local_data_id={local_data_id}")
        return Path(path.replace("<path_rra>", str(self.rra)))


def parse_id(text, pattern):
    m = re.search(pattern, text)
    if not m:
        raise NmsError(f"no match for {pattern!r} in: {text[-2000:]}")
    return int(m.group(1))
