# Opens a page in Debian's headless Chromium, in a network namespace of its own: DOM, console, requests, timings, screenshot.
# SPDX-License-Identifier: ISC
"""load(page, outdir, script) runs this file again as a child inside `unshare --net` (a new
network namespace: only its loopback, brought up for chromedriver's port, exists), where
selenium drives chromedriver and Chromium. The child prints one JSON object:

  result    what `script` (JavaScript run in the page once loaded) returned
  console   the browser log (level, message): console messages, CSP violations, load errors
  requests  every URL the page asked for (the performance log's Network.requestWillBeSent)
  timing    ms from navigation start: domContentLoaded, load, first_contentful_paint; and
            wall_ms, driver.get's time as seen from Python
  screenshot  the PNG of the whole page (up to 16,384 px high), written into outdir

The namespace is the guarantee that nothing leaves the host even if the page tried; the
requests list is how a test sees whether it tried."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PYTHON = "/usr/bin/python3"  # Debian's, with python3-selenium


class BrowserError(Exception):
    pass


def missing():
    """A one-line reason the browser cannot run here, or None."""
    for path, pkg in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver"),
                      (shutil.which("unshare") or "/usr/bin/unshare", "util-linux"),
                      (shutil.which("ip") or "/sbin/ip", "iproute2")):
        if not os.access(path, os.X_OK):
            return f"{path} missing (Debian package {pkg})"
    r = subprocess.run([PYTHON, "-c", "import selenium"], capture_output=True)
    if r.returncode != 0:
        return "python3-selenium missing (import selenium failed under /usr/bin/python3)"
    return None


def load(page, outdir, script="return null;", width=1280, shot="page.png", timeout=120):
    """Open page (a file path) and return the child's JSON (see the module's text)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    why = missing()
    if why:
        raise BrowserError(why)
    args = json.dumps(dict(page=str(Path(page).resolve()), outdir=str(outdir.resolve()),
                           script=script, width=width, shot=shot))
    # root makes a network namespace directly; anyone else through a user namespace first
    unshare = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "--net",
                                                             "--map-root-user"]
    argv = unshare + ["--", PYTHON, str(Path(__file__).resolve()), "--child", args]
    r = subprocess.run(argv, capture_output=True, timeout=timeout,
                       env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    if r.returncode != 0:
        raise BrowserError(f"the browser child failed ({r.returncode}): "
                           f"{r.stderr.decode(errors='replace')[-3000:]}")
    return json.loads(r.stdout)


# ------------------------------------------------------------------------- the child side

# async: the first contentful paint may come after the load event in a headless browser
TIMING_JS = """
const done = arguments[arguments.length - 1];
function report(fcp) {
  const nav = performance.getEntriesByType('navigation')[0];
  done({domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
        load: nav ? nav.loadEventEnd : null, first_contentful_paint: fcp,
        bytes: nav ? nav.decodedBodySize : null});
}
const seen = performance.getEntriesByName('first-contentful-paint')[0];
if (seen) { report(seen.startTime); } else {
  new PerformanceObserver(function (list) {
    const e = list.getEntriesByName('first-contentful-paint')[0];
    if (e) report(e.startTime);
  }).observe({type: 'paint', buffered: true});
  setTimeout(function () { report(null); }, 10000);
}
"""


def _child(args):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    a = json.loads(args)
    # chromedriver listens on the loopback: the one interface of the namespace, down until now
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    profile = tempfile.mkdtemp(prefix="lwbrowser-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-default-apps", "--metrics-recording-only",
                 # and should the namespace leak: no name resolves, no proxy answers
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                 f"--user-data-dir={profile}", f"--window-size={a['width']},1000"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        url = Path(a["page"]).as_uri()
        # away from the new-tab page first, and its log entries dropped: what follows is ours
        driver.get("about:blank")
        driver.get_log("browser")
        driver.get_log("performance")
        t0 = time.monotonic()
        driver.get(url)
        wall_ms = (time.monotonic() - t0) * 1000
        driver.set_script_timeout(20)
        timing = driver.execute_async_script(TIMING_JS)
        timing["wall_ms"] = wall_ms
        result = driver.execute_script(a["script"])
        height = driver.execute_script("return document.documentElement.scrollHeight;")
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": a["width"], "height": min(height, 16384),
                     "scale": 1}})
        shot_path = Path(a["outdir"]) / a["shot"]
        shot_path.write_bytes(base64.b64decode(shot["data"]))
        console = [{"level": e["level"], "message": e["message"]}
                   for e in driver.get_log("browser")]
        requests = []
        for e in driver.get_log("performance"):
            msg = json.loads(e["message"])["message"]
            if msg["method"] == "Network.requestWillBeSent":
                requests.append(msg["params"]["request"]["url"])
            elif msg["method"] == "Network.webSocketCreated":
                requests.append(msg["params"]["url"])
        json.dump(dict(url=url, result=result, console=console, requests=requests,
                       timing=timing, screenshot=str(shot_path), height=height), sys.stdout)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--child":
    _child(sys.argv[2])
