# test_cacti.py: real Cacti 1.2 (private MariaDB, private tree, CLI only) imports nms/cacti, walks leakwatchd's tables by name and polls into RRDs that hold what leakwatchd served.
# SPDX-License-Identifier: ISC
import re
import shutil
import subprocess
import sys

from lwcacti import Cacti, parse_id
from lwserved import Served, close_to, tcp_listener
from nmsenv import LW, REPO, need

NMS_CACTI = REPO / "nms" / "cacti"
B = f"{LW}.1"
PORT = 18081
INTERVAL = 5  # leakwatchd's sampling interval in the test
# the instances the test graphs, by the readable name Cacti shows: each stays put during the run
WANTED = {"LEAKWATCH - Process groups": ("lwProcGroupName", ["leakwatchd", "snmpd"]),
          "LEAKWATCH - Listening TCP ports": ("lwTcpPortStatePortText", [str(PORT)]),
          "LEAKWATCH - Multicast interfaces": ("lwMcastIfName", ["lo"])}
NAME_COLUMNS = {"lwProcGroupName": f"{B}.3.2.1.2", "lwTcpPortStatePortText": f"{B}.4.3.1.11",
                "lwMcastIfName": f"{B}.6.1.1.2"}


def test_generated_files_are_current():
    """The shipped XML files are what mkcacti.py writes (no hand edits drifting from it)."""
    r = subprocess.run([sys.executable, NMS_CACTI / "mkcacti.py", "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def lastupdate(nms, path):
    """{ds name: value string} of `rrdtool lastupdate`."""
    r = nms.run(["rrdtool", "lastupdate", path])
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    names, (_, values) = lines[0].split(), lines[-1].split(":", 1)
    return dict(zip(names, values.split()))


def test_cacti_imports_polls_and_records_what_leakwatchd_serves(nms):
    need("php", "mariadbd", "mariadb-install-db", "rrdtool", "/usr/share/cacti/cli/install_cacti.php")
    mods = nms.run(["php", "-m"]).stdout.split()
    missing = [m for m in ("intl", "snmp", "mysqli", "pdo_mysql") if m not in mods]
    assert not missing, f"PHP modules missing: {missing} (install php-intl, php-snmp, php-mysql)"

    agent = nms.start_agent(interval=INTERVAL, lw_conf_lines=("mcast_interface lo",))
    tcp_listener(nms, PORT)
    cacti = Cacti(nms)
    cacti.setup()

    # safety first: the installer ran with --automationmode=0, so its "Test Network"
    # (192.168.1.0/24) must be disabled; then it goes altogether, because poller.php starts
    # poller_automation.php -M after every poll, unconditionally, and with no network defined
    # that has nothing to look at
    assert cacti.sql("SELECT COUNT(*) FROM automation_networks WHERE enabled='on'") == [["0"]]
    cacti.sql("DELETE FROM automation_networks")

    # the shipped files as an operator installs them: data query files where the templates say
    # (<path_cacti>/resource/snmp_queries), then the template export through Cacti's importer
    for f in (NMS_CACTI / "resource" / "snmp_queries").glob("leakwatch_*.xml"):
        shutil.copy(f, cacti.share / "resource" / "snmp_queries" / f.name)
    r = cacti.php("cli/import_template.php", f"--filename={NMS_CACTI / 'leakwatch_templates.xml'}")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "[success]" in out and "[fail]" not in out and "Unmet Dependency" not in out, out

    # the same as a signed package (mkcacti.py --package, a throwaway key): Cacti verifies the
    # signatures, rewrites the query files and finds every object already there
    key, pkg = nms.T / "package.pem", nms.T / "leakwatch.xml.gz"
    assert subprocess.run(["openssl", "genrsa", "-out", key, "2048"], capture_output=True).returncode == 0
    r = subprocess.run([sys.executable, NMS_CACTI / "mkcacti.py", "--package", pkg, "--key", key],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    for f in (cacti.share / "resource" / "snmp_queries").glob("leakwatch_*.xml"):
        f.unlink()
    r = cacti.php("cli/import_package.php", f"--filename={pkg}")
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "[fail]" not in out and "Unmet Dependency" not in out, out
    for f in (NMS_CACTI / "resource" / "snmp_queries").glob("leakwatch_*.xml"):
        assert (cacti.share / "resource" / "snmp_queries" / f.name).read_bytes() == f.read_bytes(), out
    queries = {n: int(i) for i, n in cacti.sql("SELECT id, name FROM snmp_query WHERE name LIKE 'LEAKWATCH%'")}
    assert set(queries) == set(WANTED), queries
    templates = {n: int(i) for i, n in cacti.sql("SELECT id, name FROM graph_templates WHERE name LIKE 'LEAKWATCH%'")}
    assert len(templates) == 10, templates
    assert "Import Error" not in cacti.log.read_text(errors="replace") if cacti.log.exists() else True

    r = cacti.php("cli/add_device.php", "--description=lwhost", "--ip=127.0.0.1", "--template=0",
                  "--version=2", "--community=public", f"--port={agent.port}", "--avail=snmp")
    host = parse_id(r.stdout, r"new device-id: \((\d+)\)")

    # the data queries walk leakwatchd's tables: Cacti's cache holds the names leakwatchd serves
    for qname, qid in queries.items():
        r = cacti.php("cli/add_data_query.php", f"--host-id={host}", f"--data-query-id={qid}",
                      "--reindex-method=0")
        assert "Success" in r.stdout, r.stdout + r.stderr
        field, wanted = WANTED[qname]
        cache = {idx: value for idx, value in cacti.sql(
            f"SELECT snmp_index, field_value FROM host_snmp_cache WHERE host_id={host} "
            f"AND snmp_query_id={qid} AND field_name='{field}'")}
        served = dict((oid.rsplit(".", 1)[-1], v) for oid, v in agent.walk(NAME_COLUMNS[field]))
        for name in wanted:
            assert name in cache.values(), f"{qname}: {name} not in Cacti's cache {sorted(cache.values())}"
            idx = next(i for i, v in cache.items() if v == name)
            assert served.get(idx) == name, f"{qname}: index {idx} is {served.get(idx)!r} on the agent"
        # every row Cacti cached is one leakwatchd served (groups come and go, so compare with a
        # walk made right after), under the same name; names Cacti alters by design (it trims
        # spaces and quotes, drops < > \ and unprintables, reads hex-like text as hex: see
        # docs/nms/cacti.md) are compared only for their presence
        stable = [i for i in cache if i in served]
        assert stable and len(stable) >= len(cache) - 5, (cache, served)
        plain = [i for i in stable if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.:+-]*", served[i])]
        assert all(cache[i] == served[i] for i in plain), [(cache[i], served[i]) for i in plain]

    # graphs: every query graph template for the wanted instances, every scalar graph template
    for qname, qid in queries.items():
        field, wanted = WANTED[qname]
        for qgraph, gt in cacti.sql(f"SELECT id, graph_template_id FROM snmp_query_graph WHERE snmp_query_id={qid}"):
            for name in wanted:
                r = cacti.php("cli/add_graphs.php", "--graph-type=ds", f"--graph-template-id={gt}",
                              f"--host-id={host}", f"--snmp-query-id={qid}", f"--snmp-query-type-id={qgraph}",
                              f"--snmp-field={field}", f"--snmp-value={name}")
                assert "Graph Added" in r.stdout, r.stdout + r.stderr
    query_templates = {int(gt) for _q, gt in cacti.sql("SELECT id, graph_template_id FROM snmp_query_graph")}
    for name, gt in templates.items():
        if gt in query_templates:
            continue
        r = cacti.php("cli/add_graphs.php", "--graph-type=cg", f"--graph-template-id={gt}", f"--host-id={host}")
        assert "Graph Added" in r.stdout, f"{name}: {r.stdout}{r.stderr}"
    graphs = int(cacti.one(f"SELECT COUNT(*) FROM graph_local WHERE host_id={host}"))
    assert graphs == 4 + 3 * 2 + 1 + 2, graphs

    # what Cacti will poll: one SNMP GET per data source item, the OID per item
    items = cacti.sql(f"SELECT local_data_id, rrd_name, rrd_path, arg1 FROM poller_item WHERE host_id={host}")
    assert items, "no poller items"
    oids = sorted({oid.lstrip(".") for _l, _n, _p, oid in items})
    assert not [o for o in oids if o.startswith(f"{B}.3.1.")], "a template polls lwProcTable"
    # indexed items: the OID's last arcs are the index of the instance asked for by name
    for ldid, index in cacti.sql(f"SELECT id, snmp_index FROM data_local WHERE host_id={host} AND snmp_query_id>0"):
        for l, _n, _p, oid in items:
            if l == ldid:
                assert oid.endswith("." + index), (ldid, index, oid)

    # poll once, with leakwatchd's values read back around it
    assert cacti.sql("SELECT COUNT(*) FROM automation_networks") == [["0"]]
    served = Served(agent, oids).start()
    r = cacti.php("site/poller.php", "--force", timeout=170)
    served.stop()
    cacti.wait_children()
    assert r.returncode == 0, r.stdout + r.stderr
    log = cacti.log.read_text(errors="replace")
    assert "SYSTEM STATS" in log, log[-3000:]
    assert "Network Discover" not in log and "Network ID" not in log, log[-3000:]

    assert served.max_round + served.period < INTERVAL, \
        f"read-back rounds took {served.max_round:.1f} s: snapshots may have passed unseen"
    checked = 0
    unknown = []
    for ldid, rrd_name, rrd_path, oid in items:
        path = rrd_path.replace("<path_rra>", str(cacti.rra))
        values = lastupdate(nms, path)
        assert rrd_name in values, (path, values)
        v = values[rrd_name]
        seen = served.values.get(oid.lstrip("."))
        if not seen:
            # noSuchInstance (tcp_mem limits are not visible in a network namespace): Cacti
            # must record unknown, not a number
            errs = [e for e in served.errors if e.startswith(oid.lstrip(".") + ":")]
            assert errs and all("No Such" in e for e in errs), (oid, served.errors[-3:])
            assert v == "U", f"{rrd_name} ({oid}): Cacti recorded {v} for a value leakwatchd did not serve"
            unknown.append(rrd_name)
            continue
        assert v != "U", f"{rrd_name} ({oid}): Cacti recorded nothing, leakwatchd served {sorted(seen)}"
        assert any(close_to(float(v), float(s)) for s in seen), \
            f"{rrd_name} ({oid}): RRD {path} holds {v}, leakwatchd served {sorted(seen)}"
        checked += 1
    assert checked >= 30, (checked, unknown)
    # every graph draws (Cacti's own rrdtool graph command line from the templates and CDEFs),
    # titled with the readable instance name
    rendered = cacti.render_graphs(host)
    assert len(rendered) == graphs, rendered
    bad = [g for g in rendered if not g["png"]]
    assert not bad, bad
    titles = [g["title"] for g in rendered]
    for name in ("leakwatchd", "snmpd", str(PORT), "lo"):
        assert any(f" {name} " in t for t in titles), (name, titles)

    # a stable value by name: the established connection of the test's listener
    est = [(p, n) for _l, n, p, oid in items if oid.lstrip(".").startswith(f"{B}.4.3.1.4.")]
    assert est and all(lastupdate(nms, p.replace("<path_rra>", str(cacti.rra)))[n] == "1" for p, n in est), est
