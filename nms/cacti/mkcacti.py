#!/usr/bin/env python3
# mkcacti.py: writes the Cacti 1.2 template export (leakwatch_templates.xml) and the three data query XML files from one description.
# SPDX-License-Identifier: ISC
"""One description (below) produces every Cacti file of nms/cacti, so the OIDs of a data query, the
data source names of its data template, the mapping of query fields to data sources and the
graph items cannot drift apart.

Output (written next to this script unless -o DIR):
  resource/snmp_queries/leakwatch_procgroup.xml   data query over lwProcGroupTable
  resource/snmp_queries/leakwatch_tcpport.xml     data query over lwTcpPortStateTable
  resource/snmp_queries/leakwatch_mcastif.xml     data query over lwMcastIfTable
  leakwatch_templates.xml                          Cacti's template export format, for
                                                   cli/import_template.php --filename=...

The export format is the one Cacti 1.2's lib/export.php writes and lib/import.php reads: a <cacti>
root whose children are named hash_TTVVVVHHHH... (TT the object type, VVVV the Cacti version
code, 0103 for 1.2.19-1.2.24, then 32 hex digits identifying the object).  Identifiers are md5 of
a stable name ("leakwatch/" + the object's path here), so a re-import updates the same objects.
Objects Cacti ships (the "Get SNMP Data" input methods and their fields, the "Normal" GPRINT
preset) are referred to by the hashes Cacti gives them in every installation.

`--package FILE.xml.gz --key KEY.pem` writes all of it as one signed Cacti package instead, for
cli/import_package.php or the web interface's "Import Packages" (signed with the given RSA key,
e.g. from `openssl genrsa -out KEY.pem 2048`; the package carries the public key).

`--check` regenerates into a temporary directory and fails when a file differs from the one
in the tree (run by the test, so the shipped files are always the generator's output)."""
import argparse
import base64
import filecmp
import gzip
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
B = ".1.3.6.1.4.1.8072.9999.9999.4111.1"
VERSION = "0103"          # Cacti's hash version code for 1.2.19 .. 1.2.24
PATH_CACTI = "<path_cacti>"

# Cacti's own objects, identical in every 1.2 installation (conf_templates/cacti.sql)
DI_SNMP = "3eb92bb845b9660a7445cf9740726522"          # Get SNMP Data
DI_SNMP_INDEXED = "bf566c869ac6443b0c75d1c32b5a350e"  # Get SNMP Data (Indexed)
# the input fields of "Get SNMP Data": (hash, templated per data source?)
DIF_SNMP = [("92f5906c8dc0f964b41f4253df582c38", ""), ("32285d5bf16e56c478f5e83f32cda9ef", ""),
            ("ad14ac90641aed388139f6ba86a2e48b", ""), ("9c55a74bd571b4f00a96fd4b793278c6", ""),
            ("012ccb1d3687d3edb29c002ea66e72da", ""), ("fc64b99742ec417cc424dbf8c7692d36", ""),
            ("20832ce12f099c8e54140793a091af90", ""), ("c60c9aac1e1b3555ea0620b8bbfd82cb", ""),
            ("feda162701240101bc74148415ef415a", "")]
DIF_SNMP_OID = "4276a5ec6e3fe33995129041b1909762"      # its "OID" field: fixed per data template
# the input fields of "Get SNMP Data (Indexed)"; index type/value and output type are filled in
# per data source from the data query, so they are templated ("on")
DIF_SNMP_INDEXED = [("617cdc8a230615e59f06f361ef6e7728", ""), ("acb449d1451e8a2a655c2c99d31142c7", ""),
                    ("f4facc5e2ca7ebee621f09bc6d9fc792", ""), ("1cc1493a6781af2c478fa4de971531cf", ""),
                    ("b5c23f246559df38662c255f4aa21d6b", ""), ("6027a919c7c7731fbe095b6f53ab127b", "on"),
                    ("cbbe5c1ddfb264a6e5d509ce1c78c95f", "on"), ("e6deda7be0f391399c5130e7c4a48b28", "on"),
                    ("c1f36ee60c3dc98945556d57f26e475b", ""), ("2cf7129ad3ff819a7a7ac189bee48ce8", ""),
                    ("6b13ac0a0194e171d241d4b06f913158", ""), ("3a33d4fc65b8329ab2ac46a36da26b72", "")]
GPRINT_NORMAL = "e9c43831e54eca8069317a2ce8c6f751"      # "%8.2lf %s"

TYPE = {"graph_template": "00", "data_template": "01", "data_input_method": "03",
        "data_query": "04", "cdef": "05", "gprint_preset": "06", "data_input_field": "07",
        "data_template_item": "08", "graph_template_input": "09", "graph_template_item": "10",
        "data_query_graph": "11", "data_query_sv_graph": "12", "data_query_sv_data_source": "13",
        "cdef_item": "14"}
GAUGE, COUNTER = 1, 2                                  # Cacti's data_source_type_id
LINE1, LINE2, AREA, STACK, GPRINT, COMMENT = 4, 5, 7, 8, 9, 1
CF_AVERAGE, CF_MAX, CF_LAST = 1, 3, 4


def uid(path):
    return hashlib.md5(("leakwatch/" + path).encode()).hexdigest()


def ref(kind, h):
    return f"hash_{TYPE[kind]}{VERSION}{h}"


# ---- the description ---------------------------------------------------------------------------
# A data source: (rrd name <= 19 chars, LEAKWATCH-MIB column or scalar, OID, Cacti type)
# Data queries: each table polled with one data template whose data sources are its columns.
QUERIES = [
    {
        "key": "procgroup", "label": "process group", "file": "leakwatch_procgroup.xml",
        "name": "LEAKWATCH - Process groups",
        "description": "lwProcGroupTable: the processes of each program (lwProcGroupName), "
                       "their memory, count, descriptors, CPU and leak state",
        "index": f"{B}.3.2.1.2", "name_field": "lwProcGroupName",
        "index_field": ("lwProcGroupIndex", "Group index"),
        "inputs": [("lwProcGroupName", "Program", f"{B}.3.2.1.2")],
        "outputs": [("rss", "lwProcGroupRssKB", "RSS sum (KiB)", f"{B}.3.2.1.4", GAUGE),
                    ("maxrss", "lwProcGroupMaxRssKB", "Largest RSS (KiB)", f"{B}.3.2.1.5", GAUGE),
                    ("count", "lwProcGroupCount", "Processes", f"{B}.3.2.1.3", GAUGE),
                    ("fds", "lwProcGroupFds", "Descriptors", f"{B}.3.2.1.7", GAUGE),
                    ("cpu", "lwProcGroupCpuPercent", "CPU (hundredths of %)", f"{B}.3.2.1.8", GAUGE),
                    ("leakstate", "lwProcGroupLeakState", "Leak state", f"{B}.3.2.1.9", GAUGE)],
        "graphs": [
            ("memory", "LEAKWATCH - Process group memory", "memory", "bytes", 1024,
             [("rss", AREA, "5EB1E6", "RSS sum", "kib"), ("maxrss", LINE2, "1F4E79", "Largest RSS", "kib")]),
            ("procs", "LEAKWATCH - Process group processes and descriptors", "processes and descriptors",
             "count", 1000,
             [("count", LINE2, "2E8B57", "Processes", None), ("fds", LINE2, "C0504D", "Descriptors", None)]),
            ("cpu", "LEAKWATCH - Process group CPU and leak state", "CPU and leak state", "percent", 1000,
             [("cpu", AREA, "F2A33A", "CPU % of one core", "hundredths"),
              ("leakstate", LINE2, "A00000", "Leak state (2 ok 3 suspect 4 leaking)", None)]),
        ],
    },
    {
        "key": "tcpport", "label": "TCP port", "file": "leakwatch_tcpport.xml",
        "name": "LEAKWATCH - Listening TCP ports",
        "description": "lwTcpPortStateTable: the TCP sockets of each listening port "
                       "(lwTcpPortStatePortText) by state",
        "index": f"{B}.4.3.1.11", "name_field": "lwTcpPortStatePortText", "order_type": "numeric",
        "index_field": ("lwTcpPortStatePort", "Port number (index)"),
        "inputs": [("lwTcpPortStatePortText", "Port", f"{B}.4.3.1.11")],
        "outputs": [("listen", "lwTcpPortStateListen", "Listening sockets", f"{B}.4.3.1.2", GAUGE),
                    ("synrecv", "lwTcpPortStateSynReceived", "synReceived", f"{B}.4.3.1.3", GAUGE),
                    ("estab", "lwTcpPortStateEstablished", "established", f"{B}.4.3.1.4", GAUGE),
                    ("finwait1", "lwTcpPortStateFinWait1", "finWait1", f"{B}.4.3.1.5", GAUGE),
                    ("finwait2", "lwTcpPortStateFinWait2", "finWait2", f"{B}.4.3.1.6", GAUGE),
                    ("closewait", "lwTcpPortStateCloseWait", "closeWait", f"{B}.4.3.1.7", GAUGE),
                    ("lastack", "lwTcpPortStateLastAck", "lastAck", f"{B}.4.3.1.8", GAUGE),
                    ("closing", "lwTcpPortStateClosing", "closing", f"{B}.4.3.1.9", GAUGE),
                    ("timewait", "lwTcpPortStateTimeWait", "timeWait", f"{B}.4.3.1.10", GAUGE)],
        "graphs": [
            ("states", "LEAKWATCH - TCP port states", "TCP sockets by state", "sockets", 1000,
             [("estab", AREA, "2E8B57", "established", None), ("closewait", STACK, "C0504D", "closeWait", None),
              ("synrecv", STACK, "F2A33A", "synReceived", None), ("finwait1", STACK, "8064A2", "finWait1", None),
              ("finwait2", STACK, "4BACC6", "finWait2", None), ("lastack", STACK, "7F7F7F", "lastAck", None),
              ("closing", STACK, "BFBFBF", "closing", None), ("timewait", STACK, "5EB1E6", "timeWait", None),
              ("listen", LINE1, "000000", "listening", None)]),
        ],
    },
    {
        "key": "mcastif", "label": "multicast interface", "file": "leakwatch_mcastif.xml",
        "name": "LEAKWATCH - Multicast interfaces",
        "description": "lwMcastIfTable: the multicast traffic captured on each interface "
                       "(lwMcastIfName), 10-second rates and drops",
        "index": f"{B}.6.1.1.2", "name_field": "lwMcastIfName",
        "index_field": ("lwMcastIfIndex", "Interface index"),
        "inputs": [("lwMcastIfName", "Interface", f"{B}.6.1.1.2")],
        "outputs": [("pps10", "lwMcastIfPps10", "Frames/s (10 s)", f"{B}.6.1.1.6", GAUGE),
                    ("bps10", "lwMcastIfBps10", "Bits/s (10 s)", f"{B}.6.1.1.9", GAUGE),
                    ("groups", "lwMcastIfGroups", "Groups", f"{B}.6.1.1.11", GAUGE),
                    ("drops", "lwMcastIfDrops", "Capture drops", f"{B}.6.1.1.12", COUNTER)],
        "graphs": [
            ("bits", "LEAKWATCH - Multicast bits per second", "multicast traffic", "bits per second", 1000,
             [("bps10", AREA, "5EB1E6", "bits/s (10 s average)", None)]),
            ("frames", "LEAKWATCH - Multicast frames and drops", "multicast frames", "frames per second", 1000,
             [("pps10", LINE2, "2E8B57", "frames/s (10 s average)", None),
              ("drops", LINE2, "C0504D", "capture drops/s", None)]),
        ],
    },
]

# Scalars: one "Get SNMP Data" data template per OID (that input method reads one OID).
SCALARS = [
    ("load1", "lwLoad1", f"{B}.2.1.0", GAUGE), ("load5", "lwLoad5", f"{B}.2.2.0", GAUGE),
    ("load15", "lwLoad15", f"{B}.2.3.0", GAUGE),
    ("memavail", "lwMemAvailableKB", f"{B}.2.7.0", GAUGE),
    ("memtotal", "lwMemTotalKB", f"{B}.2.5.0", GAUGE),
    ("tcp_listen", "lwTcpStateCount.listen", f"{B}.4.1.1.2.2", GAUGE),
    ("tcp_synrecv", "lwTcpStateCount.synReceived", f"{B}.4.1.1.2.4", GAUGE),
    ("tcp_estab", "lwTcpStateCount.established", f"{B}.4.1.1.2.5", GAUGE),
    ("tcp_finwait1", "lwTcpStateCount.finWait1", f"{B}.4.1.1.2.6", GAUGE),
    ("tcp_finwait2", "lwTcpStateCount.finWait2", f"{B}.4.1.1.2.7", GAUGE),
    ("tcp_closewait", "lwTcpStateCount.closeWait", f"{B}.4.1.1.2.8", GAUGE),
    ("tcp_lastack", "lwTcpStateCount.lastAck", f"{B}.4.1.1.2.9", GAUGE),
    ("tcp_timewait", "lwTcpStateCount.timeWait", f"{B}.4.1.1.2.11", GAUGE),
    ("tcp_mem", "lwSockstatTcpMemPages", f"{B}.4.9.6.0", GAUGE),
    ("tcp_mem_pressure", "lwTcpMemPressurePages", f"{B}.4.10.2.0", GAUGE),
    ("tcp_mem_max", "lwTcpMemMaxPages", f"{B}.4.10.3.0", GAUGE),
    ("tcp_orphan", "lwSockstatTcpOrphan", f"{B}.4.9.3.0", GAUGE),
]
SCALAR_GRAPHS = [
    ("load", "LEAKWATCH - Load average", "load average", "processes", 1000,
     [("load1", AREA, "F2A33A", "1 minute", "hundredths"), ("load5", LINE2, "C0504D", "5 minutes", "hundredths"),
      ("load15", LINE2, "1F4E79", "15 minutes", "hundredths")]),
    ("memory", "LEAKWATCH - Memory available", "memory available", "bytes", 1024,
     [("memtotal", LINE1, "000000", "total", "kib"), ("memavail", AREA, "2E8B57", "available", "kib")]),
    ("tcpstates", "LEAKWATCH - TCP states", "TCP sockets by state", "sockets", 1000,
     [("tcp_estab", AREA, "2E8B57", "established", None), ("tcp_closewait", STACK, "C0504D", "closeWait", None),
      ("tcp_synrecv", STACK, "F2A33A", "synReceived", None), ("tcp_finwait1", STACK, "8064A2", "finWait1", None),
      ("tcp_finwait2", STACK, "4BACC6", "finWait2", None), ("tcp_lastack", STACK, "7F7F7F", "lastAck", None),
      ("tcp_timewait", STACK, "5EB1E6", "timeWait", None), ("tcp_listen", LINE1, "000000", "listen", None)]),
    ("tcpmem", "LEAKWATCH - TCP memory (tcp_mem)", "TCP socket memory", "pages", 1000,
     [("tcp_mem", AREA, "5EB1E6", "in use", None), ("tcp_mem_pressure", LINE2, "F2A33A", "pressure threshold", None),
      ("tcp_mem_max", LINE2, "C0504D", "maximum", None), ("tcp_orphan", LINE1, "000000", "orphan sockets", None)]),
]
# CDEFs: leakwatch's units to the graphs' (the RRDs keep the raw values leakwatchd serves)
CDEFS = {"kib": ("LEAKWATCH - KiB to bytes", "1024", 3),          # operator 3 is *
         "hundredths": ("LEAKWATCH - hundredths to units", "100", 4)}  # operator 4 is /


# ---- data query XML ----------------------------------------------------------------------------
def data_query_xml(q):
    iname, ititle = q["index_field"]
    out = [f"<!-- {q['file']}: Cacti data query over {q['description'].split(':')[0]} "
           "(generated by mkcacti.py; numeric OIDs, no MIB needed) -->",
           "<!-- SPDX-License-Identifier: ISC -->",
           "<interface>",
           f"\t<name>{escape(q['name'])}</name>",
           f"\t<description>{escape(q['description'])}</description>",
           # walking the readable name column yields every row's index
           f"\t<oid_index>{q['index']}</oid_index>",
           f"\t<index_order>{q['name_field']}:{iname}</index_order>",
           f"\t<index_order_type>{q.get('order_type', 'alphabetic')}</index_order_type>",
           "\t<index_title_format>|chosen_order_field|</index_title_format>",
           "\t<fields>",
           f"\t\t<{iname}>", f"\t\t\t<name>{escape(ititle)}</name>", "\t\t\t<method>walk</method>",
           "\t\t\t<source>index</source>", "\t\t\t<direction>input</direction>",
           f"\t\t\t<oid>{q['index']}</oid>", f"\t\t</{iname}>"]
    for field, title, oid in q["inputs"]:
        out += [f"\t\t<{field}>", f"\t\t\t<name>{escape(title)}</name>", "\t\t\t<method>walk</method>",
                "\t\t\t<source>value</source>", "\t\t\t<direction>input</direction>",
                f"\t\t\t<oid>{oid}</oid>", f"\t\t</{field}>"]
    for _ds, field, title, oid, _t in q["outputs"]:
        out += [f"\t\t<{field}>", f"\t\t\t<name>{escape(title)}</name>", "\t\t\t<method>walk</method>",
                "\t\t\t<source>value</source>", "\t\t\t<direction>output</direction>",
                f"\t\t\t<oid>{oid}</oid>", f"\t\t</{field}>"]
    out += ["\t</fields>", "</interface>"]
    return "\n".join(out) + "\n"


# ---- template export ---------------------------------------------------------------------------
def tag(name, value, depth):
    return "\t" * depth + f"<{name}>{escape(str(value))}</{name}>"


def cdef_xml(key):
    name, number, operator = CDEFS[key]
    h = uid(f"cdef/{key}")
    items = [(4, "CURRENT_DATA_SOURCE"), (6, number), (2, operator)]
    out = [f"\t<hash_{TYPE['cdef']}{VERSION}{h}>", tag("name", name, 2), "\t\t<items>"]
    for seq, (typ, value) in enumerate(items, 1):
        ih = ref("cdef_item", uid(f"cdef/{key}/item{seq}"))
        out += [f"\t\t\t<{ih}>", tag("sequence", seq, 4), tag("type", typ, 4), tag("value", value, 4),
                f"\t\t\t</{ih}>"]
    out += ["\t\t</items>", f"\t</hash_{TYPE['cdef']}{VERSION}{h}>"]
    return out


def gprint_xml():
    h = ref("gprint_preset", GPRINT_NORMAL)
    return [f"\t<{h}>", tag("name", "Normal", 2), tag("gprint_text", "%8.2lf %s", 2), f"\t</{h}>"]


def data_template_xml(path, name, ds_name, indexed, items, oid=None):
    """items: [(rrd name, Cacti type)]."""
    h = ref("data_template", uid(path))
    out = [f"\t<{h}>", tag("name", name, 2), "\t\t<ds>",
           tag("t_name", "on", 3), tag("name", ds_name, 3), tag("data_source_path", "", 3),
           tag("data_input_id", ref("data_input_method", DI_SNMP_INDEXED if indexed else DI_SNMP), 3),
           tag("t_active", "", 3), tag("active", "on", 3), "\t\t</ds>", "\t\t<items>"]
    for rrd, typ in items:
        ih = ref("data_template_item", uid(f"{path}/{rrd}"))
        out += [f"\t\t\t<{ih}>", tag("t_data_source_name", "", 4), tag("data_source_name", rrd, 4),
                tag("t_rrd_minimum", "", 4), tag("rrd_minimum", "0", 4),
                tag("t_rrd_maximum", "", 4), tag("rrd_maximum", "U", 4),
                tag("t_data_source_type_id", "", 4), tag("data_source_type_id", typ, 4),
                tag("t_rrd_heartbeat", "", 4), tag("rrd_heartbeat", "600", 4),
                tag("t_data_input_field_id", "", 4), tag("data_input_field_id", "0", 4),
                f"\t\t\t</{ih}>"]
    out.append("\t\t</items>")
    out.append("\t\t<data>")
    fields = DIF_SNMP_INDEXED if indexed else DIF_SNMP + [(DIF_SNMP_OID, "")]
    for n, (fh, templated) in enumerate(fields):
        value = oid if (not indexed and fh == DIF_SNMP_OID) else ""
        out += [f"\t\t\t<item_{n:03d}>", tag("data_input_field_id", ref("data_input_field", fh), 4),
                tag("t_value", templated, 4), tag("value", value, 4), f"\t\t\t</item_{n:03d}>"]
    out += ["\t\t</data>", f"\t</{h}>"]
    return out


GRAPH_FIELDS = [  # (field, value) of graph_templates_graph, t_ flags empty unless listed
    ("image_format_id", "1"), ("height", "200"), ("width", "700"), ("base_value", None),
    ("slope_mode", "on"), ("auto_scale", "on"), ("auto_scale_opts", "2"), ("auto_scale_log", ""),
    ("scale_log_units", ""), ("auto_scale_rigid", ""), ("upper_limit", "100"), ("lower_limit", "0"),
    ("unit_value", ""), ("unit_exponent_value", ""), ("unit_length", ""), ("no_gridfit", ""),
    ("alt_y_grid", ""), ("right_axis", ""), ("right_axis_label", ""), ("right_axis_format", "0"),
    ("right_axis_formatter", "0"), ("left_axis_formatter", "0"), ("auto_padding", "on"),
    ("dynamic_labels", ""), ("force_rules_legend", ""), ("tab_width", ""),
    ("legend_position", "0"), ("legend_direction", "0")]


def graph_template_xml(path, name, title, vlabel, base, items, ds_ref):
    """items: [(rrd, graph type, colour, legend, cdef key)]; ds_ref(rrd) -> data template item ref."""
    h = ref("graph_template", uid(path))
    out = [f"\t<{h}>", tag("name", name, 2), tag("multiple", "", 2), tag("test_source", "", 2), "\t\t<graph>",
           tag("t_title", "on", 3), tag("title", title, 3),
           tag("t_vertical_label", "", 3), tag("vertical_label", vlabel, 3)]
    for field, value in GRAPH_FIELDS:
        out += [tag(f"t_{field}", "", 3), tag(field, base if value is None else value, 3)]
    out += ["\t\t</graph>", "\t\t<items>"]
    seq = 0
    uses = {}

    def item(kind, rrd, colour, cf, cdef, text, hard_return, line_width="0.00", alpha="FF"):
        nonlocal seq
        seq += 1
        ih = uid(f"{path}/item{seq}")
        uses.setdefault(rrd, []).append(ih)
        return [f"\t\t\t<{ref('graph_template_item', ih)}>",
                tag("graph_type_id", kind, 4), tag("task_item_id", ds_ref(rrd), 4),
                tag("color_id", colour or "0", 4), tag("alpha", alpha, 4),
                tag("consolidation_function_id", cf, 4),
                tag("cdef_id", ref("cdef", uid(f"cdef/{cdef}")) if cdef else "0", 4),
                tag("vdef_id", "0", 4), tag("shift", "", 4), tag("value", "", 4),
                tag("gprint_id", ref("gprint_preset", GPRINT_NORMAL), 4), tag("textalign", "", 4),
                tag("text_format", text, 4), tag("hard_return", "on" if hard_return else "", 4),
                tag("line_width", line_width, 4), tag("dashes", "", 4), tag("dash_offset", "0", 4),
                tag("sequence", seq, 4), f"\t\t\t</{ref('graph_template_item', ih)}>"]

    for rrd, kind, colour, legend, cdef in items:
        width = {LINE1: "1.00", LINE2: "2.00"}.get(kind, "0.00")
        out += item(kind, rrd, colour, CF_AVERAGE, cdef, legend, False, width)
        out += item(GPRINT, rrd, None, CF_LAST, cdef, "Current:", False)
        out += item(GPRINT, rrd, None, CF_AVERAGE, cdef, "Average:", False)
        out += item(GPRINT, rrd, None, CF_MAX, cdef, "Maximum:", True)
    out += ["\t\t</items>", "\t\t<inputs>"]
    for rrd, hashes in uses.items():
        ih = ref("graph_template_input", uid(f"{path}/input/{rrd}"))
        out += [f"\t\t\t<{ih}>", tag("name", f"Data Source [{rrd}]", 4), tag("description", "", 4),
                tag("column_name", "task_item_id", 4),
                tag("items", "|".join(ref("graph_template", x) for x in hashes), 4), f"\t\t\t</{ih}>"]
    out += ["\t\t</inputs>", f"\t</{h}>"]
    return out


def data_query_export(q, dt_path, graph_paths):
    h = ref("data_query", uid(f"query/{q['key']}"))
    out = [f"\t<{h}>", tag("name", q["name"], 2), tag("description", q["description"], 2),
           tag("xml_path", f"{PATH_CACTI}/resource/snmp_queries/{q['file']}", 2),
           tag("data_input_id", ref("data_input_method", DI_SNMP_INDEXED), 2), "\t\t<graphs>"]
    fields = {ds: field for ds, field, _t, _o, _ty in q["outputs"]}
    for (gkey, gname, gtitle, _vl, _b, items), gpath in zip(q["graphs"], graph_paths):
        gh = ref("data_query_graph", uid(f"query/{q['key']}/graph/{gkey}"))
        out += [f"\t\t\t<{gh}>", tag("graph_template_id", ref("graph_template", uid(gpath)), 4),
                tag("name", gname.replace("LEAKWATCH - ", ""), 4), "\t\t\t\t<rrd>"]
        for n, rrd in enumerate(dict.fromkeys(i[0] for i in items)):
            out += [f"\t\t\t\t\t<item_{n:03d}>", tag("snmp_field_name", fields[rrd], 6),
                    tag("data_template_id", ref("data_template", uid(dt_path)), 6),
                    tag("data_template_rrd_id", ref("data_template_item", uid(f"{dt_path}/{rrd}")), 6),
                    f"\t\t\t\t\t</item_{n:03d}>"]
        out += ["\t\t\t\t</rrd>", "\t\t\t\t<sv_graph>"]
        sv = ref("data_query_sv_graph", uid(f"query/{q['key']}/graph/{gkey}/title"))
        out += [f"\t\t\t\t\t<{sv}>", tag("field_name", "title", 6), tag("sequence", 1, 6),
                tag("text", f"|host_description| - {q['label']} |query_{q['name_field']}| - {gtitle}", 6), f"\t\t\t\t\t</{sv}>"]
        out += ["\t\t\t\t</sv_graph>", "\t\t\t\t<sv_data_source>"]
        sv = ref("data_query_sv_data_source", uid(f"query/{q['key']}/graph/{gkey}/dsname"))
        out += [f"\t\t\t\t\t<{sv}>", tag("field_name", "name", 6),
                tag("data_template_id", ref("data_template", uid(dt_path)), 6), tag("sequence", 1, 6),
                tag("text", f"|host_description| - {q['label']} |query_{q['name_field']}|", 6),
                f"\t\t\t\t\t</{sv}>"]
        out += ["\t\t\t\t</sv_data_source>", f"\t\t\t</{gh}>"]
    out += ["\t\t</graphs>", f"\t</{h}>"]
    return out


def templates_xml():
    out = ["<!-- leakwatch_templates.xml: LEAKWATCH-MIB templates for Cacti 1.2 "
           "(generated by mkcacti.py; import with cli/import_template.php) -->",
           "<!-- SPDX-License-Identifier: ISC -->", "<cacti>"]
    for key in CDEFS:
        out += cdef_xml(key)
    out += gprint_xml()
    scalar_types = {}
    for rrd, obj, oid, typ in SCALARS:
        scalar_types[rrd] = typ
        out += data_template_xml(f"scalar/{rrd}", f"LEAKWATCH - {obj}", f"|host_description| - {obj}",
                                 False, [(rrd, typ)], oid)
    for q in QUERIES:
        dt_path = f"query/{q['key']}/data"
        out += data_template_xml(dt_path, q["name"], f"|host_description| - {q['key']}", True,
                                 [(ds, typ) for ds, _f, _t, _o, typ in q["outputs"]])
    for gkey, gname, gtitle, vlabel, base, items in SCALAR_GRAPHS:
        out += graph_template_xml(f"graph/{gkey}", gname, f"|host_description| - {gtitle}", vlabel, base,
                                  items, lambda rrd: ref("data_template_item", uid(f"scalar/{rrd}/{rrd}")))
    for q in QUERIES:
        dt_path = f"query/{q['key']}/data"
        paths = []
        for gkey, gname, gtitle, vlabel, base, items in q["graphs"]:
            gpath = f"graph/{q['key']}/{gkey}"
            paths.append(gpath)
            out += graph_template_xml(gpath, gname, f"|host_description| - {gtitle}", vlabel, base, items,
                                      lambda rrd, p=dt_path: ref("data_template_item", uid(f"{p}/{rrd}")))
        out += data_query_export(q, dt_path, paths)
    out.append("</cacti>")
    return "\n".join(out) + "\n"


def write_all(outdir):
    outdir = Path(outdir)
    (outdir / "resource" / "snmp_queries").mkdir(parents=True, exist_ok=True)
    files = []
    for q in QUERIES:
        p = outdir / "resource" / "snmp_queries" / q["file"]
        p.write_text(data_query_xml(q))
        files.append(p.relative_to(outdir))
    (outdir / "leakwatch_templates.xml").write_text(templates_xml())
    files.append(Path("leakwatch_templates.xml"))
    return files


def openssl_sign(key, data):
    """RSA signature of data with the PEM private key, SHA-256 (what Cacti 1.2 verifies for a
    public key of 200 characters or more, i.e. any RSA key of 1024 bits and up)."""
    r = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(key)], input=data, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"mkcacti.py: openssl dgst -sign: {r.stderr.decode(errors='replace')}")
    return base64.b64encode(r.stdout).decode()


def write_package(out, key, version):
    """A Cacti 1.2 package (cli/import_package.php, Console > Import/Export > Import Packages):
    a gzipped XML carrying the data query files and the template export, each file signed and the
    whole signed, with the public key inside (Cacti verifies against that key, so the signature
    proves the package is intact, not who made it)."""
    pub = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout"], capture_output=True)
    if pub.returncode != 0:
        raise SystemExit(f"mkcacti.py: openssl rsa -pubout: {pub.stderr.decode(errors='replace')}")
    files = [(f"resource/snmp_queries/{q['file']}", data_query_xml(q).encode()) for q in QUERIES]
    files.append(("leakwatch_templates.xml", templates_xml().encode()))
    lines = ["<xml>", "   <info>", "     <name>LEAKWATCH-MIB</name>", "     <author>leakwatch</author>",
             "     <homepage></homepage>", "     <email></email>",
             "     <description>leakwatchd (LEAKWATCH-MIB): process groups, listening ports, "
             "multicast interfaces, load, memory, TCP states and memory</description>",
             "     <class>linux</class>", "     <tags>leakwatch linux net-snmp</tags>",
             "     <installation>A host whose snmpd has leakwatchd attached</installation>",
             f"     <version>{escape(version)}</version>", "     <copyright></copyright>", "   </info>",
             f"   <publickey>{base64.b64encode(pub.stdout).decode()}</publickey>",
             f"   <publickeyname>{base64.b64encode(b'leakwatch').decode()}</publickeyname>",
             "   <directories>", "       <directory>resource/snmp_queries</directory>", "   </directories>",
             "   <files>"]
    for name, data in files:
        lines += ["       <file>", f"           <name>{name}</name>",
                  f"           <opath>{escape(PATH_CACTI + '/' + name)}</opath>",
                  f"           <data>{base64.b64encode(data).decode()}</data>",
                  f"           <filesignature>{openssl_sign(key, data)}</filesignature>", "       </file>"]
    lines += ["   </files>", "   <signature></signature>", "</xml>"]
    # Cacti reads the package line by line, blanks the <signature> line and verifies the rest
    text = "\n".join(lines) + "\n"
    signed = text.replace("   <signature></signature>\n",
                          f"   <signature>{openssl_sign(key, text.encode())}</signature>\n")
    with gzip.open(out, "wb") as f:
        f.write(signed.encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--outdir", default=str(HERE))
    ap.add_argument("--package", metavar="FILE.xml.gz",
                    help="also write a signed Cacti package of everything (needs --key)")
    ap.add_argument("--key", metavar="PEM", help="RSA private key that signs the package")
    ap.add_argument("--version", default="1", help="version written into the package's info")
    ap.add_argument("--check", action="store_true",
                    help="fail when the files in --outdir differ from freshly generated ones")
    a = ap.parse_args()
    if a.check:
        with tempfile.TemporaryDirectory() as tmp:
            stale = [str(f) for f in write_all(tmp)
                     if not (Path(a.outdir) / f).exists() or not filecmp.cmp(Path(tmp) / f, Path(a.outdir) / f, False)]
        if stale:
            print("mkcacti.py: out of date (re-run nms/cacti/mkcacti.py): " + ", ".join(stale))
            return 1
        return 0
    if a.package:
        if not a.key:
            ap.error("--package needs --key")
        write_package(a.package, a.key, a.version)
        print(a.package)
        return 0
    for f in write_all(a.outdir):
        print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
