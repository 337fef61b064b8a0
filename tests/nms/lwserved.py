# lwserved.py: what leakwatchd served while a client polled it, and a TCP listener with one connection, for the Cacti and collectd tests.
# SPDX-License-Identifier: ISC
"""A client polls at its own moments and leakwatchd publishes a new snapshot every interval, so a
value the client recorded is compared with the values leakwatchd served during the client's run,
read back with snmpget/snmpbulkwalk in the same namespace, often enough (every second at an
agent interval of 5 s) that no snapshot goes unseen."""
import threading
import time

from nmsenv import NmsError

_LISTENER = r"""
import socket, sys, time
port = int(sys.argv[1])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(8)
cli = socket.create_connection(("127.0.0.1", port))
conn, _ = srv.accept()
print("ready", flush=True)
while True:
    time.sleep(60)
"""


def tcp_listener(nms, port):
    """A process listening on 127.0.0.1:port inside the namespace with one established
    connection to itself, so lwTcpPortStateTable has a row whose counts stay put."""
    p = nms.spawn(f"listener{port}", ["python3", "-c", _LISTENER, str(port)])
    nms.wait_until(lambda: "ready" in p.output() or not p.alive(), 20,
                   what=f"the TCP listener on {port}")
    assert p.alive(), p.output()
    return p


class Served:
    """Samples scalars (GET) and table columns (GETBULK walk) from the agent every `period`
    seconds in a thread; values[oid] is the set of value strings seen for that full OID."""

    def __init__(self, agent, scalars=(), columns=(), period=1.0):
        self.agent, self.scalars, self.columns, self.period = agent, list(scalars), list(columns), period
        # one GETBULK walk per table entry rather than per column: fewer processes per round
        self.entries = sorted({c.rsplit(".", 1)[0] for c in self.columns})
        self.values = {}
        self.errors = []
        self.max_round = 0.0  # longest sampling round (s): must stay below the agent interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _get_many(self, oids):
        """One snmpget of up to 30 OIDs per request: a round of samples must take far less
        than the agent's interval, or a snapshot could pass unseen."""
        try:
            rows = self.agent.get_many(oids)
        except NmsError as e:
            self.errors.append(str(e))
            return
        for oid, value in rows:
            if value.startswith(("No Such", "No more")):
                self.errors.append(f"{oid}: {value}")  # a noSuchInstance moment is recorded
            else:
                self.values.setdefault(oid, set()).add(value)

    def _sample(self):
        if self.scalars:
            self._get_many(self.scalars)
        for entry in self.entries:
            try:
                for oid, value in self.agent.walk(entry):
                    self.values.setdefault(oid, set()).add(value)
            except Exception as e:
                self.errors.append(f"{entry}: {e}")

    def _run(self):
        while not self._stop.is_set():
            t0 = time.monotonic()
            self._sample()
            self.max_round = max(self.max_round, time.monotonic() - t0)
            self._stop.wait(self.period)

    def start(self):
        self._sample()
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(30)
        self._sample()

    def column(self, col):
        """{index suffix: set of values} for a column OID (numeric, no leading dot)."""
        prefix = col + "."
        return {oid[len(prefix):]: v for oid, v in self.values.items() if oid.startswith(prefix)}


def close_to(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))

