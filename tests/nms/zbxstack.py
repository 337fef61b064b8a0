# A private Zabbix 6.0 server, PostgreSQL 15 cluster and frontend API (php -S) inside an NmsEnv namespace.
# SPDX-License-Identifier: ISC
"""Runs the real Debian packages from private copies under nms.T, nothing under /etc:

  PostgreSQL 15   initdb + postgres as user postgres (setpriv execs, so the recorded pid is the
                  postmaster), fsync off, socket in T/pg, TCP 127.0.0.1:15432
  zabbix_server   -f with a private config (SNMP trapper file T/zbx/snmptraps.log)
  frontend        a copy of /usr/share/zabbix whose CConfigFile reads T/zbx/web/conf/zabbix.conf.php,
                  served by php -S 127.0.0.1:18080; the API is called with curl inside the namespace

Every process is started with nms.spawn (stopped by pid at teardown); PostgreSQL is stopped here
first (fast shutdown) so that the cluster is not killed under the server.
"""
import json
import os
import pwd
import shutil
import signal
import time
from pathlib import Path

PGBIN = Path("/usr/lib/postgresql/15/bin")
ZBX_SQL = Path("/usr/share/zabbix-server-pgsql")
ZBX_WEB = Path("/usr/share/zabbix")
PG_PORT, ZBX_PORT, API_PORT = 15432, 20051, 18080


def missing_clients():
    """The programs this stack needs, by the package that brings them, when absent."""
    need = {
        "postgresql-15": PGBIN / "postgres",
        "zabbix-server-pgsql": Path("/usr/sbin/zabbix_server"),
        "zabbix-server-pgsql (schema)": ZBX_SQL / "schema.sql.gz",
        "zabbix-frontend-php": ZBX_WEB / "api_jsonrpc.php",
        "php-cli": Path("/usr/bin/php"),
        "snmptrapd": Path("/usr/sbin/snmptrapd"),
        "curl": Path("/usr/bin/curl"),
        "setpriv (util-linux)": Path("/usr/bin/setpriv"),
    }
    out = [name for name, p in need.items() if not p.exists()]
    if not list(Path("/usr/lib/php").glob("*/pgsql.so")):
        out.append("php-pgsql")
    return out


class ApiError(Exception):
    pass


class ZabbixStack:
    def __init__(self, nms, cache_update=2):
        self.nms = nms
        self.T = Path(nms.T)
        self.pg = self.T / "pg"
        self.zbx = self.T / "zbx"
        self.trapfile = self.zbx / "snmptraps.log"
        self.cache_update = cache_update
        self.token = None
        self._pg_pid = None

    # ---- PostgreSQL ------------------------------------------------------------------------
    def _as_postgres(self, argv):
        return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + argv

    def start_db(self):
        pw = pwd.getpwnam("postgres")
        self.pg.mkdir(mode=0o700)
        os.chown(self.pg, pw.pw_uid, pw.pw_gid)
        r = self.nms.run(self._as_postgres([str(PGBIN / "initdb"), "-D", str(self.pg / "data"),
                                            "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]),
                         timeout=120)
        assert r.returncode == 0, f"initdb failed: {r.stdout}{r.stderr}"
        self.nms.spawn("postgres", self._as_postgres([
            str(PGBIN / "postgres"), "-D", str(self.pg / "data"), "-p", str(PG_PORT), "-k", str(self.pg),
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off", "-c", "shared_buffers=64MB", "-c", "max_connections=60",
            # a test cluster: minimal WAL, no checkpoint or autovacuum in the middle of the schema
            # load (ANALYZE follows it)
            "-c", "wal_level=minimal", "-c", "max_wal_senders=0", "-c", "max_wal_size=2GB",
            "-c", "autovacuum=off"]))
        pidfile = self.pg / "data" / "postmaster.pid"
        self.nms.wait_until(lambda: pidfile.exists() and self.psql("SELECT 1", check=False).returncode == 0,
                            60, what="PostgreSQL accepting connections")
        self._pg_pid = int(pidfile.read_text().split()[0])

    def psql(self, sql, db="postgres", check=True):
        r = self.nms.run(["psql", "-X", "-q", "-A", "-t", "-h", str(self.pg), "-p", str(PG_PORT), "-U",
                          "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-c", sql], timeout=60)
        if check:
            assert r.returncode == 0, f"psql {sql!r}: {r.stderr}"
        return r

    def load_schema(self):
        self.psql("CREATE DATABASE zabbix")
        # The dumps through one psql: schema.sql and data.sql are one transaction each, images.sql
        # (no transaction of its own) is wrapped in one; fsync is off.
        z = {f: ZBX_SQL / f"{f}.sql.gz" for f in ("schema", "images", "data")}
        r = self.nms.run(["sh", "-c", f"{{ zcat {z['schema']}; echo 'BEGIN;'; zcat {z['images']}; "
                          f"echo 'COMMIT;'; zcat {z['data']}; }} | psql -X -q -h {self.pg} -p {PG_PORT} "
                          "-U postgres -d zabbix -v ON_ERROR_STOP=1 >/dev/null"], timeout=300)
        assert r.returncode == 0, f"loading the Zabbix schema failed: {r.stderr[-2000:]}"
        # Statistics now: without them the planner joins the freshly loaded tables (data.sql holds
        # every bundled template) blindly, and host.create's trigger-dependency query ran minutes.
        self.psql("ANALYZE", db="zabbix")

    def stop_db(self):
        """Fast shutdown by the postmaster's pid (never by name); then nms.spawn's own stop is a no-op."""
        if self._pg_pid is None:
            return
        try:
            os.kill(self._pg_pid, signal.SIGINT)
        except ProcessLookupError:
            return
        for _ in range(100):
            try:
                os.kill(self._pg_pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)

    # ---- zabbix_server ---------------------------------------------------------------------
    def start_server(self):
        self.zbx.mkdir(exist_ok=True)
        conf = self.zbx / "zabbix_server.conf"
        conf.write_text("\n".join([
            "# private test configuration: nothing under /etc, /var or /tmp",
            f"LogFile={self.zbx}/zabbix_server.log", "LogFileSize=0", "DebugLevel=3",
            f"PidFile={self.zbx}/zabbix_server.pid", f"SocketDir={self.zbx}",
            f"DBHost={self.pg}", f"DBPort={PG_PORT}", "DBName=zabbix", "DBUser=postgres",
            "ListenIP=127.0.0.1", f"ListenPort={ZBX_PORT}", "AllowRoot=1", "Timeout=4",
            "StartDiscoverers=0", "StartPingers=0", "StartHTTPPollers=0", "StartODBCPollers=0",
            "StartVMwareCollectors=0", "StartPollers=2", "StartPollersUnreachable=1",
            "StartTrappers=1", "StartSNMPTrapper=1", "StartPreprocessors=2", "StartLLDProcessors=1",
            "StartEscalators=1", "StartAlerters=1", "StartTimers=1", "StartHistoryPollers=1",
            f"SNMPTrapperFile={self.trapfile}", "CacheSize=32M", "HousekeepingFrequency=0",
            f"CacheUpdateFrequency={self.cache_update}", "UnreachablePeriod=30", "UnavailableDelay=10",
            "UnreachableDelay=5", ""]))
        self.trapfile.touch()
        self.nms.spawn("zabbix_server", ["zabbix_server", "-f", "-c", str(conf)], env=self.nms.env)
        log = self.zbx / "zabbix_server.log"
        self.nms.wait_until(lambda: log.exists() and "server #0 started" in log.read_text(errors="replace"),
                            60, what="zabbix_server started")

    # ---- frontend API ----------------------------------------------------------------------
    def start_frontend(self):
        web = self.zbx / "web"
        shutil.copytree(ZBX_WEB, web, symlinks=True)
        cfg = web / "include/classes/core/CConfigFile.php"
        text = cfg.read_text()
        assert "/etc/zabbix/zabbix.conf.php" in text, "CConfigFile.php no longer names /etc/zabbix/zabbix.conf.php"
        cfg.write_text(text.replace("/etc/zabbix/zabbix.conf.php", str(web / "conf/zabbix.conf.php")))
        conf = web / "conf/zabbix.conf.php"
        if conf.is_symlink():
            conf.unlink()
        conf.write_text("\n".join([
            "<?php",
            "// private frontend configuration of the leakwatch Zabbix test",
            "$DB['TYPE'] = 'POSTGRESQL';", "$DB['SERVER'] = '127.0.0.1';", f"$DB['PORT'] = '{PG_PORT}';",
            "$DB['DATABASE'] = 'zabbix';", "$DB['USER'] = 'postgres';", "$DB['PASSWORD'] = '';",
            "$DB['SCHEMA'] = '';", "$DB['ENCRYPTION'] = false;", "$DB['KEY_FILE'] = '';",
            "$DB['CERT_FILE'] = '';", "$DB['CA_FILE'] = '';", "$DB['VERIFY_HOST'] = false;",
            "$DB['CIPHER_LIST'] = '';", "$DB['VAULT_URL'] = '';", "$DB['VAULT_DB_PATH'] = '';",
            "$DB['VAULT_TOKEN'] = '';", "$DB['DOUBLE_IEEE754'] = true;",
            "$ZBX_SERVER = '127.0.0.1';", f"$ZBX_SERVER_PORT = '{ZBX_PORT}';",
            "$ZBX_SERVER_NAME = 'leakwatch-test';", "$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;", ""]))
        self.nms.spawn("php", ["php", "-d", "opcache.enable_cli=1", "-d", "memory_limit=512M", "-S", f"127.0.0.1:{API_PORT}", "-t", str(web)])
        self.nms.wait_until(lambda: self._api_ready(), 30, what="the Zabbix API answering")

    def _api_ready(self):
        try:
            self.call("apiinfo.version", {}, auth=False)
            return True
        except (ApiError, ValueError):
            return False

    def call(self, method, params, auth=True):
        t0 = time.monotonic()
        body = {"jsonrpc": "2.0", "method": method, "params": params, "id": 1}
        if auth:
            body["auth"] = self.token
        r = self.nms.run(["curl", "-sS", "--max-time", "240", "-H", "Content-Type: application/json-rpc",
                          "--data-binary", "@-", f"http://127.0.0.1:{API_PORT}/api_jsonrpc.php"],
                         input=json.dumps(body), timeout=300)
        if r.returncode != 0:
            raise ApiError(f"curl {method}: {r.stderr!r}")
        took = time.monotonic() - t0
        if took > 5:
            print(f"zabbix api: {method} took {took:.1f} s")
        resp = json.loads(r.stdout)
        if "error" in resp:
            raise ApiError(f"{method}: {resp['error']}")
        return resp["result"]

    def login(self):
        self.token = self.call("user.login", {"username": "Admin", "password": "zabbix"}, auth=False)

    def start(self):
        t0 = time.monotonic()
        for step in (self.start_db, self.load_schema, self.start_server, self.start_frontend, self.login):
            step()
            print(f"zabbix stack: {step.__name__} done after {time.monotonic() - t0:.1f} s")

    def server_log(self):
        p = self.zbx / "zabbix_server.log"
        return p.read_text(errors="replace") if p.exists() else ""
