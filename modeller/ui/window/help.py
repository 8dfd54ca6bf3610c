"""Help ▸ Modeller Help (F1): what the badges and colours mean, how the numbers are computed
(and what they assume), and the keyboard shortcuts.

The shortcut list is read from the window's own actions each time the dialog opens, and
the colours from the canvas style and badge thresholds, so the help cannot drift from
what the app does.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenu,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...model import KIND_LABELS
from ...model.design import MINUTES_PER_YEAR
from ...render import badges as B
from ..canvas import style

TABS = ("start", "badges", "numbers", "keys")
TAB_TITLES = {"start": "Getting started", "badges": "Badges and colours",
              "numbers": "How the numbers are computed", "keys": "Keyboard shortcuts"}

CSS = ("body { font-size: 10pt; color: #0f172a; } h3 { margin: 12px 0 4px 0; color: #1e293b; } "
       "td { padding: 2px 8px 2px 0; vertical-align: top; } .sub { color: #475569; } "
       "code { background: #f1f5f9; }")

# gestures the canvas handles itself (they are not actions, so they cannot be read back)
CANVAS_GESTURES: list[tuple[str, str]] = [
    ("Drag from the palette", "add a node; drop it inside a region or zone to place it there"),
    ("Double-click in the palette", "add the kind or preset at the centre of the view"),
    ("Drag from a node's edge dot", "link it to another node (a router's links form its pool)"),
    ("Drag a region or zone by its title strip", "move it with everything inside"),
    ("Drag a container's corner grip", "resize it"),
    ("Drag on empty canvas", "select with a rubber band"),
    ("Ctrl+click or Shift+click", "add to or remove from the selection"),
    ("Double-click a node", "edit its name in the properties panel"),
    ("Arrow keys", "nudge the selection by one grid step (Shift: 1 pixel)"),
    ("Esc", "cancel the gesture in progress, or clear the selection"),
    ("Wheel", "zoom around the pointer; Shift+wheel scrolls"),
    ("Middle-drag or Space+drag", "pan"),
]


def _swatch(bg: str, fg: str, border: str, text: str) -> str:
    return (f"<span style='background:{bg}; color:{fg}; border:1px solid {border}; "
            f"font-weight:600'>&nbsp;{html.escape(text)}&nbsp;</span>")


def _level(level: str, text: str) -> str:
    bg, fg = style.LEVEL_COLOURS[level]
    return _swatch(bg, fg, style.LEVEL_BORDER[level], text)


def _colour_name(c: Any) -> str:
    return c.name() if hasattr(c, "name") else str(c)


def start_html(window: Any = None) -> str:
    failit = _find_action(window, "Fail") if window is not None else None
    fail_line = ""
    if failit is not None:
        keys = _keys_text(failit)
        fail_line = (f"<li><b>{html.escape(_plain(failit.text()))}</b>"
                     f"{' (' + keys + ')' if keys else ''}: click a node, zone or region to see "
                     "what its loss takes down and the numbers after the loss.</li>")
    return f"""
<h3>Five minutes with Modeller</h3>
<ol>
<li><b>Start from a template</b> (File ▸ New from Template…) or drag a <b>Client</b>, services and
databases from the palette onto the canvas. A client sends the requests: it carries the demand
(requests per second) and the availability SLO.</li>
<li><b>Place</b> nodes by dropping them inside a <b>region</b> or <b>zone</b>: a region or zone is a
failure domain, and everything inside it fails with it.</li>
<li><b>Wire</b> by dragging from a node's edge dot to another node. An arrow means “needs”: the
source cannot serve without the target (unless you make the link <i>optional</i>, drawn dashed).
From a load balancer or DNS the arrows are alternatives: a pool.</li>
<li><b>Read the numbers.</b> The banner above the canvas shows the system's availability and nines,
downtime a year, headroom and single points of failure; every node wears badges. They update a
moment after every edit.</li>
<li><b>Use real figures.</b> The palette's <i>Cloud presets</i> carry published SLA figures with their
source; select a node to see where its number came from, or apply a preset to it.</li>
{fail_line}
</ol>
<p class='sub'>Every edit can be undone (Edit ▸ Undo). Designs are plain JSON files
(<code>*.arch.json</code>); unsaved work is autosaved and offered back after a crash.</p>
"""


def badges_html() -> str:
    warn = B.UTIL_WARN * 100
    bad = B.UTIL_BAD * 100
    kinds = " &nbsp; ".join(
        f"<span style='color:{colour}'>■</span>&nbsp;{html.escape(KIND_LABELS.get(kind, kind))}"
        for kind, colour in style.KIND_COLOURS.items())
    return f"""
<h3>Availability badge</h3>
<p>Each node shows its own availability first and then the probability that it <i>serves</i>
(with what it depends on; as a percentage and in nines), judged against the strictest availability SLO among the clients that reach it:</p>
<table>
<tr><td>{_level(B.GOOD, "99.95 % · 3.30 nines")}</td><td>within the SLO's downtime budget</td></tr>
<tr><td>{_level(B.WARN, "99.5 % · 2.30 nines")}</td><td>over budget, but within ten times it</td></tr>
<tr><td>{_level(B.BAD, "98 % · 1.70 nines")}</td><td>more than ten times over budget</td></tr>
<tr><td>{_level(B.NEUTRAL, "99.9 % · 3.00 nines")}</td><td>no client with an SLO depends on it</td></tr>
</table>
<p>A client's badge is how well it is served: green when it meets its SLO, red when it misses it.</p>
<h3>Utilisation badge</h3>
<table>
<tr><td>{_level(B.GOOD, "util 40 %")}</td><td>up to {warn:.0f} % of capacity at nominal load</td></tr>
<tr><td>{_level(B.WARN, "util 85 %")}</td><td>above {warn:.0f} %: little room for a traffic peak
or the loss of a replica</td></tr>
<tr><td>{_level(B.BAD, "util 160 %")}</td><td>above {bad:.0f} %: overloaded even with everything up</td></tr>
</table>
<p>Faded badges are the previous result while the new one is being computed.</p>
<h3>Banner</h3>
<p>Green when every client meets its SLO, red when one misses it. <i>Headroom</i> is how many
times the demand could grow before the busiest node is full; <i>single points of failure</i> counts
the parts whose loss alone drops a client (hover it for the list, each with the failure unit that
makes it one).</p>
<h3>Canvas</h3>
<table>
<tr><td><span style='color:{_colour_name(style.SELECTION)}'>━━</span></td><td>selected</td></tr>
<tr><td><span style='color:{_colour_name(style.POOL_COLOUR)}'>━━</span></td>
<td>the pool of the selected load balancer or DNS (its alternative targets)</td></tr>
<tr><td><span style='color:{_colour_name(style.OK_TARGET)}'>━━</span></td>
<td>while dragging: the region or zone the node will be placed in</td></tr>
<tr><td>- - →</td><td>an optional link: carries load, never takes its source down</td></tr>
</table>
{_failit_html()}
<h3>Kinds</h3>
<p>{kinds}</p>
"""


def _failit_html() -> str:
    """The "Fail it" legend, from the canvas style (left out if this build has no such mode)."""
    fill = getattr(style, "FAIL_FILL", None)
    border = getattr(style, "FAIL_BORDER", None)
    if not fill or not border:
        return ""
    meaning = {"failed": "the part you failed", "down": "taken down by that loss",
               "overloaded": "still up, but above 100 % of its capacity after the loss"}
    rows = "".join(
        f"<tr><td>{_swatch(_colour_name(fill[state]), '#0f172a', _colour_name(border[state]), state)}"
        f"</td><td>{meaning.get(state, '')}</td></tr>"
        for state in fill if state in border)
    return (f"<h3>Fail it</h3><p>In “Fail it” mode a click fails one node, zone or region:</p>"
            f"<table>{rows}<tr><td>faded</td><td>unaffected</td></tr></table>")


# DESIGN 4b in plain words (docs/semantics.md, "Reliability beyond uptime")
BEYOND_UPTIME_HTML = """
<h3>Beyond uptime: recovery, bad changes, errors and data</h3>
<p><b>Time to repair = time to notice + time to fix.</b> Give a part “Detect (min)” and
“Recover (min)” (properties, <i>Monitoring &amp; recovery</i>) and its MTTR becomes detect +
recover; how often it fails stays what its availability said at the default MTTR. So an alert
that pages in 1 minute instead of 30, or an automated restart instead of a person, shows as more
nines and fewer minutes down: 99.9 % at a 1-hour repair fails once in 999 hours; noticed in 1 min
and restarted in 2 it is down 3 minutes each time: 999 / (999 + 0.05) = 99.995 %.</p>
<p><b>A bad change is an outage replicas do not prevent.</b> With “Deploys / month”, “Change
failure rate” and “Rollback (min)” (properties, <i>Changes</i>), the chance of being inside a
bad-change window is deploys a month × 12 × change failure rate × rollback minutes / 525,960
(minutes in a year). Rolled out <i>all at once</i>, a bad change takes every replica down together:
20 deploys × 12 × 10 % × 30 min = 720 min, 12 hours a year, whatever the number of replicas.
Rolled out <i>zone by zone</i> (or region by region), it takes down only the first wave's replicas:
the others keep serving.</p>
<p><b>Success ratio.</b> A part with an “Error rate” fails that share of the requests it serves
while up. A request succeeds when every part it needs answers without error (a part called twice
must succeed twice); an optional dependency never fails it, it only degrades it. A client's
success ratio = its availability × the success of its requests; a client may set an SLO on it.</p>
<p><b>RTO and RPO</b>, per disruption — <i>hardware</i> (one replica lost), <i>software</i> (a bad
change), <i>zone</i>, <i>region</i> — in the Insights' <b>Recovery</b> tab. RTO (recovery time) is
how long until every client is served again: 0 when the design rides through it; detect +
failover time when a standby, pool member or another region takes over; otherwise detect + recover
of what was lost. RPO (recovery point) is how many seconds of acknowledged writes are lost: 0 when
a synchronous copy survives, the lag of the best surviving asynchronous copy, else the backup
interval, else “everything”. The recovery policy (design settings, nothing selected) sets a target
RTO and RPO per disruption: a row within it is green, one beyond it red, no target neutral.
Click a row to see that failure in “Fail it”; its box then states the RTO and RPO too.</p>
<p><b>Error budget.</b> A client with an availability SLO may be down (1 − SLO) × 43,830 minutes a
month (99.9 %: 43.8 min); the report gives that budget and the share of it the design is
expected to use (100 %: all of it).</p>
"""


def numbers_html() -> str:
    return f"""
<h3>What is computed</h3>
<p>Every replica of every node, and every region and zone, is an independent component that is
either up or down; it is up with probability equal to its <b>availability</b> (given directly, or as
MTBF/(MTBF+MTTR)). A replica counts as up only when it is up <i>and</i> every region and zone
around it is up.</p>
<ul>
<li>A <b>service, database, cache, queue, storage or external</b> node serves when enough of its
replicas are up and every required (solid-arrow) dependency serves.</li>
<li>A <b>load balancer or DNS</b> serves when enough of its replicas are up and enough of its pool
targets serve.</li>
<li>A <b>client</b> is served when every node it links to serves. <b>System availability</b> is the
probability that every client is served.</li>
<li><b>“Enough”</b>: a number you set (min healthy, min targets), or <i>auto</i>: with capacities and
demand known, the replicas or targets still up must carry the load (a tier that runs hot is
fragile); without capacities, at least one.</li>
</ul>
<h3>Exact, not sampled</h3>
<p>The availability is computed exactly: the engine goes through the states of the regions and
zones (the failure domains) one by one and, within each, evaluates the nodes with a decision
diagram, so a dependency or a zone shared by several paths is counted once — never multiplied in
twice. There is no sampling error. Designs that would need more than 200 000 joint region/zone
states are refused with a message.</p>
<h3>Assumptions — read these before trusting a number</h3>
<ul>
<li><b>Independence.</b> Components fail independently of each other. The only shared causes are
the regions and zones you draw. Correlated failures you do not draw (a bad deploy to every
replica, a shared power feed, an operator mistake, a provider-wide outage) are not in the number.</li>
<li><b>Steady state.</b> Availability is the long-run fraction of time up, averaged over many years;
a particular year can be much better or worse.</li>
<li><b>Figures are inputs.</b> An SLA is a promise with service credits, not a measured failure
rate; presets say where each figure came from and whether it is an SLA, documentation, a secondary
source or an assumption.</li>
<li><b>Failover.</b> An active-passive node is also down for its failover time after each failure
of its active member, counted as one more independent event with probability rate × failover time,
where the rate is 1/(MTBF + MTTR) — one failure per up-and-repair cycle, the same in the exact
engine and the simulation. When only an availability is given, the MTTR is the design's default
MTTR (design settings). A node with one replica has nothing to fail over to: no window, and a
warning says so.</li>
<li><b>Simulation</b> (the annual downtime histogram): up and down times are exponentially
distributed (MTBF and MTTR as means), simulated as alternating renewal processes over many years.
It shows how bad a bad year can be; its mean agrees with the exact availability within its
confidence interval — a built-in cross-check.</li>
<li><b>Latency</b> treats each node as an M/M/c queue (Poisson arrivals, exponential service);
a saturated node shows infinite latency.</li>
</ul>
<h3>Own availability and “serves”</h3>
<p>Each node has two figures. <b>Own availability</b> is the part alone: the chance that enough of
its own replicas are up and it is not in a failover window. It leaves out what the part depends on
and the zone or region it sits in (those carry their own figures), so a one-replica load balancer
entered at 99.99 % shows 99.99 %. <b>Serves (with what it needs)</b> is the chance it can actually
answer a request: its own figure together with every required dependency and every zone and region
around it. “Serves” is never higher than “own”; the gap is what the rest of the design costs it.</p>
<h3>Single points of failure, by failure unit</h3>
<p>A part is a single point of failure when one <b>failure unit</b> — one of its replicas, the zone
or region it sits in, or its failover window — can alone, with everything else up, drop a client.
The properties panel and the banner's tooltip name the unit: “its only replica” (one replica),
“needs all 3 replicas” (every replica must be up, so losing any one is enough), “zone eu-west-1a”
(everything it needs sits in that zone), “its failover window” (while it fails over, nothing
serves). A tier of 3 replicas spread over 3 zones that still carries its load after losing any one
is <i>not</i> a single point of failure. A part entered at 100 % that is structurally single is
listed too, marked “assumed perfect”: the model cannot see its risk, not that there is none.</p>
<h3>Cut sets: failures that take you down together</h3>
<p>The <b>Cut sets</b> tab of the Insights dock lists the sets of up to three failure units — a
node losing the replicas that matter (“DB (2 of its 3 replicas)”), a zone, a region, a failover
window, a bad change — that together, with everything else up, drop a client, and none of whose parts does it
alone: “these 2 failures together take Shoppers down: 0.13 % of the downtime”. The share is the
set's probability (the product of its parts': they fail independently) over the design's
unavailability, the rare-event approximation: overlapping sets do not add up to exactly 100 %.
Click one to see all its parts failed at once in “Fail it”.</p>
<h3>Losing a zone or region: survives, hot, does not survive</h3>
<p>When a zone or region goes down, its replicas go with it, and the <b>load moves at the
routers</b>: each load balancer or DNS sends the requests it was sending into the lost zone to the
targets it still has, in proportion to their capacity. A node with replicas in several zones keeps
its load but carries it on fewer replicas. So the parts that are left run hotter. Each zone or
region then gets one of four outcomes (zone panel and “Fail it”):</p>
<ul>
<li><b style='color:#991b1b'>✘ drops …</b> — some client is no longer served.</li>
<li><b style='color:#991b1b'>✘ does not survive: … at 107 %</b> — no client is dropped on paper,
but a node would run above 100 % of its capacity (for example one reached only through an optional
link): a node past full capacity queues without bound, so this does not count as surviving.</li>
<li><b style='color:#b45309'>⚠ survives, hot: … (86 %)</b> — everything is served and within
capacity, but a node runs above the target utilisation (design settings, 80 % by default): little
room for a traffic peak until the zone is back.</li>
<li><b style='color:#166534'>✔ survives</b> — everything served, everything below the target.</li>
</ul>
<p>The canvas in “Fail it” shades failed, down and overloaded parts; a hot part keeps its normal
look and shows its utilisation badge in amber, and the panel names it.</p>
{BEYOND_UPTIME_HTML}
<h3>The figures shown</h3>
<table>
<tr><td>Nines</td><td>−log10(1 − availability): 99.9 % is 3 nines, 99.95 % is 3.30</td></tr>
<tr><td>Downtime a year</td><td>(1 − availability) × {MINUTES_PER_YEAR:,.0f} minutes (365.25 days)</td></tr>
<tr><td>Headroom</td><td>1 / the highest utilisation: how many times the demand can grow</td></tr>
<tr><td>Downtime it causes</td><td>the downtime a year that would vanish if this part never failed</td></tr>
<tr><td>Importance (Birnbaum)</td><td>P(system up | part up) − P(system up | part down)</td></tr>
<tr><td>Own availability</td><td>the part alone: its own replicas and failover, nothing it needs</td></tr>
<tr><td>Serves</td><td>the part with its dependencies, zones and regions: can it answer a request</td></tr>
<tr><td>Single point of failure</td><td>a part with a failure unit (a replica, a zone or region, a
failover window) whose loss alone, everything else up, drops a client</td></tr>
</table>
"""


# -- shortcuts read from the window ------------------------------------------------
def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


_FIRST_SPECIAL_KEY = 0x01000058  # Qt.Key_Help: from here on, dedicated media/office keys


def typable(seq: QKeySequence) -> bool:
    """A shortcut typed on an ordinary keyboard (not a dedicated "Open" or "Zoom In" key,
    which Qt's standard bindings add on Linux)."""
    if seq.isEmpty():
        return False
    return all(seq[i].key().value < _FIRST_SPECIAL_KEY for i in range(seq.count()))


def _keys_text(action: QAction) -> str:
    return " or ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                       for s in action.shortcuts() if typable(s))


def _find_action(window: Any, word: str) -> QAction | None:
    for a in window.findChildren(QAction):
        if word.lower() in _plain(a.text()).lower():
            return a
    return None


def window_shortcuts(window: Any) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action of the window that has a shortcut, menu order first."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def walk(menu: QMenu, path: str) -> None:
        for a in menu.actions():
            if a.menu() is not None and a.menu() is not menu:
                walk(a.menu(), f"{path} ▸ {_plain(a.text())}")
                continue
            keys = _keys_text(a)
            if keys and id(a) not in seen:
                seen.add(id(a))
                rows.append((path, _plain(a.text()), keys))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), _plain(top.text()))
    for a in window.findChildren(QAction):
        keys = _keys_text(a)
        if keys and id(a) not in seen:
            seen.add(id(a))
            rows.append(("Canvas", _plain(a.text()) or a.toolTip(), keys))
    return rows


def keys_html(window: Any) -> str:
    rows = "".join(f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(name)}</td>"
                   f"<td class='sub'>{html.escape(menu)}</td></tr>"
                   for menu, name, keys in window_shortcuts(window))
    gestures = "".join(f"<tr><td><b>{html.escape(g)}</b></td><td>{html.escape(what)}</td></tr>"
                       for g, what in CANVAS_GESTURES)
    return (f"<h3>Keyboard shortcuts</h3><table>{rows}</table>"
            f"<h3>Mouse and canvas keys</h3><table>{gestures}</table>")


class HelpDialog(QDialog):
    """Four tabs of help; rebuilt from the window each time it is shown."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.window_ = window
        self.setWindowTitle("Modeller Help")
        self.resize(760, 640)
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.pages: dict[str, QTextBrowser] = {}
        for key in TABS:
            page = QTextBrowser()
            page.setOpenExternalLinks(True)
            page.document().setDefaultStyleSheet(CSS)
            self.tabs.addTab(page, TAB_TITLES[key])
            self.pages[key] = page
        lay.addWidget(self.tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.pages["start"].setHtml(start_html(self.window_))
        self.pages["badges"].setHtml(badges_html())
        self.pages["numbers"].setHtml(numbers_html())
        self.pages["keys"].setHtml(keys_html(self.window_))

    def show_tab(self, key: str) -> None:
        self.refresh()
        self.tabs.setCurrentWidget(self.pages[key])
        self.show()
        self.raise_()
        self.activateWindow()

    def text(self, key: str | None = None) -> str:
        """The plain text of one tab (or all): for tests and search."""
        keys = [key] if key else list(TABS)
        return "\n".join(self.pages[k].toPlainText() for k in keys)


def show_help(window: Any, tab: str = "start") -> HelpDialog:
    dlg = getattr(window, "help_dialog", None)
    if dlg is None:
        dlg = HelpDialog(window)
        window.help_dialog = dlg
    dlg.show_tab(tab)
    return dlg


def install_help(window: Any) -> QAction:
    """Help ▸ Modeller Help (F1); the existing "Keyboard and Mouse" item opens its tab."""
    existing = getattr(window, "act_help", None)
    if existing is not None:
        return existing
    act = QAction("Modeller &Help", window)
    act.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.HelpContents) or [QKeySequence("F1")])
    act.setStatusTip("What the badges, colours and numbers mean; shortcuts")
    act.triggered.connect(lambda: show_help(window, "start"))
    window.addAction(act)
    window.act_help = act
    menu = None
    for top in window.menuBar().actions():
        if top.menu() is not None and _plain(top.text()) == "Help":
            menu = top.menu()
    if menu is None:
        menu = window.menuBar().addMenu("&Help")
    first = menu.actions()[0] if menu.actions() else None
    menu.insertAction(first, act) if first is not None else menu.addAction(act)
    for a in menu.actions():
        if a is not act and _plain(a.text()).lower().startswith("keyboard"):
            try:
                a.triggered.disconnect()
            except (RuntimeError, TypeError):
                pass
            a.triggered.connect(lambda: show_help(window, "keys"))
    return act


__all__ = ["HelpDialog", "install_help", "show_help", "typable", "window_shortcuts"]
