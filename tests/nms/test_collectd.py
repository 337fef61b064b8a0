# test_collectd.py: real collectd 5.12 with the shipped nms/collectd/leakwatch.conf polls leakwatchd; its CSV equals what leakwatchd served, named by readable names.
# SPDX-License-Identifier: ISC
import math
import re
import time
from pathlib import Path

from lwserved import Served, close_to, tcp_listener
from nmsenv import LW, REPO, need

SHIPPED = REPO / "nms" / "collectd" / "leakwatch.conf"
B = f"{LW}.1"
PORT = 18081
COLLECTD = "/usr/sbin/collectd"
INTERVAL = 5


def data_blocks(conf_text):
    """{Data name: {option: [values]}} parsed from the shipped file (the test checks what the
    file says, so a changed OID or Scale in the file is what gets compared)."""
    blocks, cur = {}, None
    for raw in conf_text.splitlines():
        line = raw.strip()
        if line.startswith("#") or not line:
            continue
        m = re.match(r'<Data "([^"]+)">', line)
        if m:
            cur = blocks[m.group(1)] = {}
            continue
        if line == "</Data>":
            cur = None
            continue
        if cur is not None:
            key, _, rest = line.partition(" ")
            cur[key] = re.findall(r'"([^"]*)"', rest) or [rest.strip()]
    return blocks


def example_host(conf_text, name, address, interval):
    """The commented example <Host> of the shipped file, uncommented and pointed at the test's
    agent: the test runs the example an operator copies."""
    body = conf_text.split("# BEGIN example host", 1)[1].split("# END example host", 1)[0]
    lines = [re.sub(r"^\s*#", "", ln) for ln in body.splitlines() if ln.strip()]
    text = "\n".join(lines)
    text = re.sub(r'<Host "[^"]+">', f'<Host "{name}">', text)
    text = re.sub(r'Address "[^"]+"', f'Address "{address}"', text)
    return re.sub(r"Interval \d+", f"Interval {interval}", text)


def csv_rows(path_glob_dir, stem):
    """[(epoch, [values])] of csv/<host>/<plugin dir>/<stem>-YYYY-MM-DD files (all dates)."""
    rows = []
    for f in sorted(path_glob_dir.glob(f"{stem}-????-??-??")):
        for line in f.read_text().splitlines()[1:]:
            parts = line.split(",")
            rows.append((float(parts[0]), [float(x) for x in parts[1:]]))
    return rows


def test_collectd_snmp_csv_equals_leakwatchd(nms):
    need(COLLECTD, "/usr/lib/collectd/snmp.so", "/usr/lib/collectd/csv.so")
    agent = nms.start_agent(interval=INTERVAL, lw_conf_lines=("mcast_interface lo",))
    tcp_listener(nms, PORT)
    shipped = SHIPPED.read_text()
    blocks = data_blocks(shipped)

    cd = nms.T / "collectd"
    (cd / "csv").mkdir(parents=True)
    conf = cd / "collectd.conf"
    conf.write_text("\n".join([
        "# private collectd.conf of test_collectd.py",
        'Hostname "lwtest"',
        f'BaseDir "{cd}"',
        f'PIDFile "{cd}/collectd.pid"',
        'TypesDB "/usr/share/collectd/types.db"',
        f"Interval {INTERVAL}",
        "AutoLoadPlugin false",
        "LoadPlugin logfile",
        "<Plugin logfile>",
        "\tLogLevel info",
        f'\tFile "{cd}/collectd.log"',
        "</Plugin>",
        "LoadPlugin csv",
        "<Plugin csv>",
        f'\tDataDir "{cd}/csv"',
        "\tStoreRates false",
        "</Plugin>",
        f'Include "{SHIPPED}"',
        "<Plugin snmp>",
        example_host(shipped, "lwhost", f"127.0.0.1:{agent.port}", INTERVAL),
        "</Plugin>",
    ]) + "\n")
    check = nms.run([COLLECTD, "-t", "-C", conf])
    assert check.returncode == 0, f"collectd -t: {check.stdout}{check.stderr}"

    scalars = [v for b in blocks.values() if b["Table"] == ["false"] for v in b["Values"]]
    columns = sorted({v for b in blocks.values() if b["Table"] == ["true"]
                      for v in b["Values"] + b.get("TypeInstanceOID", []) + b.get("PluginInstanceOID", [])})
    served = Served(agent, scalars, columns).start()
    collectd = nms.spawn("collectd", [COLLECTD, "-f", "-C", conf, "-P", cd / "collectd.pid"])
    host = cd / "csv" / "lwhost"

    def polled_twice():
        assert collectd.alive(), collectd.output() + (cd / "collectd.log").read_text(errors="replace")
        return len(csv_rows(host / "snmp", "load")) >= 2 and any(host.glob("snmp-procgroup-*"))
    nms.wait_until(polled_twice, 60, what="two collectd polls written to CSV")
    time.sleep(1)
    collectd.stop()
    served.stop()
    log = (cd / "collectd.log").read_text(errors="replace")
    assert served.max_round + served.period < INTERVAL, \
        f"read-back rounds took {served.max_round:.1f} s: snapshots may have passed unseen"
    errors = [ln for ln in log.splitlines() if "snmp plugin" in ln and
              ("error" in ln.lower() or "fail" in ln.lower())]
    assert not errors, "\n".join(errors[:10])

    checked = 0
    checked_nan = set()

    def check_rows(directory, stem, oids, scale, what):
        nonlocal checked
        rows = csv_rows(directory, stem)
        assert rows, f"{what}: no CSV rows in {directory}/{stem}-*; have " \
                     f"{sorted(p.name for p in directory.glob('*'))} ({log[-2000:]})"
        for epoch, values in rows:
            assert len(values) == len(oids), (what, values)
            for oid, v in zip(oids, values):
                seen = served.values.get(oid)
                if not seen:
                    # tcp_mem and tcp_max_orphans belong to the initial network namespace:
                    # inside the test's namespace leakwatchd serves noSuchInstance, and
                    # collectd must record NaN rather than a number
                    missing = [e for e in served.errors if e.startswith(oid + ":")]
                    assert missing and all("No Such Instance" in e for e in missing), \
                        f"{what}: leakwatchd never served {oid} ({served.errors[-3:]})"
                    assert math.isnan(v), f"{what}: collectd recorded {v} for noSuchInstance {oid}"
                    checked_nan.add(oid)
                    continue
                assert any(close_to(v, float(s) * scale) for s in seen), \
                    f"{what}: collectd recorded {v} at {epoch}, leakwatchd served {sorted(seen)} x {scale}"
                checked += 1

    # scalars: the file name is the type and the type instance the block sets
    for name, b in blocks.items():
        if b["Table"] != ["false"]:
            continue
        pi = b.get("PluginInstance", [""])[0]
        ti = b.get("TypeInstance", [""])[0]
        d = host / (f"snmp-{pi}" if pi else "snmp")
        stem = b["Type"][0] + (f"-{ti}" if ti else "")
        check_rows(d, stem, b["Values"], float(b.get("Scale", ["1"])[0]), name)

    # tables: the instance names are the readable column's values, nothing else
    def names_of(col):
        return {idx: next(iter(v)).replace("/", "_") for idx, v in served.column(col).items()}

    for name, b in sorted(blocks.items(), key=lambda kv: "TypeInstanceOID" in kv[1]):
        if b["Table"] != ["true"]:
            continue
        scale = float(b.get("Scale", ["1"])[0])
        value_cols = b["Values"]
        if "PluginInstanceOID" in b:
            names = names_of(b["PluginInstanceOID"][0])
            prefix = b.get("PluginInstancePrefix", [""])[0]
            assert names, f"{name}: leakwatchd served no rows of {b['PluginInstanceOID'][0]}"
            stem = f"{b['Type'][0]}-{b['TypeInstance'][0]}"
            dirs = {p.name[len("snmp-" + prefix):] for p in host.glob(f"snmp-{prefix}*")
                    if any(p.glob(f"{stem}-????-??-??"))}
            # leakwatchd sees every process of the host, so groups come and go during the run
            # (each Data block walks at its own moment): every instance this block wrote must
            # be a name leakwatchd served, with the value served under that name
            assert dirs and dirs <= set(names.values()), \
                f"{name}: CSV instances {sorted(dirs)} not among served names {sorted(names.values())}"
            for idx, inst in names.items():
                if inst in dirs:
                    check_rows(host / f"snmp-{prefix}{inst}", stem,
                               [f"{c}.{idx}" for c in value_cols], scale, f"{name}[{inst}]")
        else:
            names = names_of(b["TypeInstanceOID"][0])
            pi = b.get("PluginInstance", [""])[0]
            d = host / f"snmp-{pi}"
            files = {re.sub(r"-\d{4}-\d\d-\d\d$", "", p.name)[len(b["Type"][0]) + 1:]
                     for p in d.glob(f"{b['Type'][0]}-*")}
            assert files == set(names.values()), f"{name}: CSV instances {sorted(files)} != served {sorted(names.values())}"
            for idx, inst in names.items():
                check_rows(d, f"{b['Type'][0]}-{inst}", [f"{c}.{idx}" for c in value_cols],
                           scale, f"{name}[{inst}]")

    # the readable names the issue asks for are there, by name
    assert (host / "snmp-procgroup-leakwatchd").is_dir()
    assert (host / "snmp-procgroup-snmpd").is_dir()
    assert (host / f"snmp-tcpport-{PORT}").is_dir()
    assert (host / "snmp-mcast-lo").is_dir()
    tcp = {re.sub(r"-\d{4}-\d\d-\d\d$", "", p.name) for p in (host / "snmp-tcp").iterdir()}
    assert {"tcp_connections-established", "tcp_connections-listen",
            "tcp_connections-closeWait", "tcp_connections-timeWait"} <= tcp, sorted(tcp)
    est = csv_rows(host / f"snmp-tcpport-{PORT}", "tcp_connections-established")
    assert est and all(v == [1.0] for _, v in est), est
    assert checked > 40, checked
