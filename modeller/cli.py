"""The ``modeller`` command: the GUI by default, headless sub-commands for scripts and CI.

Exit codes (DESIGN section 4): 0 ok, 1 analysed but an SLO is missed, 2 the input was
refused (one line on stderr), 3 an internal error (one line; set MODELLER_DEBUG=1 for
the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__
from .formatting import (
    fmt_duration,
    fmt_headroom,
    fmt_money,
    fmt_ms,
    fmt_nines,
    fmt_number,
    fmt_percent,
    fmt_scalar,
    fmt_slo,
    fmt_small,
    fmt_util,
)
from .interrupts import hold_interrupts, note_interrupts, release_interrupts
from .model import Design, DesignError, load_design
from .resources import example_path
from .textsafe import for_terminal, shorten

EXIT_OK = 0
EXIT_SLO_MISSED = 1
EXIT_REFUSED = 2
EXIT_INTERNAL = 3

GUI_COMMAND = "open"  # `modeller` and `modeller FILE` mean `modeller open [FILE]`


# ---------------------------------------------------------------------------
# entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of raising SystemExit."""
    args = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    note_interrupts()  # a Ctrl+C while the GUI loads is not lost (modeller/interrupts.py)
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return _exit_code(exc.code)
    except KeyboardInterrupt:
        print("modeller: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `modeller analyze x | head`: the reader left early
        _silence_stdout()
        return 141  # what a shell reports for a process ended by SIGPIPE
    except Exception as exc:  # never show a raw traceback to a person
        if _debug():
            raise
        print(f"modeller: internal error: {_one_line(exc)} (set MODELLER_DEBUG=1 for details)",
              file=sys.stderr)
        return EXIT_INTERNAL


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each sub-command sets ``func`` to its handler."""
    parser = argparse.ArgumentParser(
        prog="modeller",
        description="Sketch an architecture and see its availability, capacity and latency. "
                    "Without a command, opens the GUI (with FILEs, opens them).",
    )
    parser.add_argument("--version", action="version", version=f"modeller {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser(GUI_COMMAND, help="open design files in the GUI (the default)",
                         description="Open the GUI. Without a display, print the headless "
                                     "analysis instead.")
    gui.add_argument("files", nargs="*", metavar="FILE", help="*.arch.json design files")
    gui.set_defaults(func=cmd_open)

    analyze = sub.add_parser("analyze", help="analyse a design and print the report",
                             description="Analyse a design file and print its report. Exit "
                                         "0 ok, 1 an SLO is missed, 2 the file was refused.")
    analyze.add_argument("file", metavar="FILE", help="a *.arch.json design file")
    analyze.add_argument("--json", action="store_true",
                         help="print the report as JSON (DESIGN section 4) instead of a table")
    analyze.add_argument("--simulate", type=int, metavar="YEARS", default=None,
                         help="simulate exactly YEARS years (default: as many of 1000 as fit "
                              "the time budget; 0: no simulation)")
    analyze.add_argument("--seed", type=int, default=0, help="simulation seed (default 0)")
    analyze.set_defaults(func=cmd_analyze)

    recommend = sub.add_parser("recommend", help="the cheapest changes that meet every target",
                               description="Search replicas, spread, min_healthy, failover and "
                                           "presets for the cheapest changes that make every "
                                           "client meet its SLO and the design survive losing "
                                           "any one zone. Exit 0 an option (or the design as "
                                           "drawn) meets every target, 1 none does, 2 the file "
                                           "was refused.")
    recommend.add_argument("file", metavar="FILE", help="a *.arch.json design file")
    recommend.add_argument("--json", action="store_true", help="print the options as JSON")
    recommend.set_defaults(func=cmd_recommend)

    from .export import add_commands as add_export_commands  # light: no numpy, no Qt

    add_export_commands(sub)
    from .export.compare import add_command as add_compare_command  # options side by side

    add_compare_command(sub)
    return parser


def _dispatch(args: list[str]) -> int:
    parser = build_parser()
    commands = _command_names(parser)
    if not args or (args[0] not in commands and args[0] not in ("-h", "--help", "--version")):
        args = [GUI_COMMAND, *args]
    ns = parser.parse_args(args)
    func: Callable[[argparse.Namespace], int] = ns.func
    return int(func(ns))


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:  # argparse offers no public accessor
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


# ---------------------------------------------------------------------------
# commands


def cmd_analyze(ns: argparse.Namespace) -> int:
    """``modeller analyze FILE [--json]``."""
    return analyze_file(ns.file, as_json=ns.json, years=getattr(ns, "simulate", None),
                        seed=getattr(ns, "seed", 0) or 0)


def analyze_file(path: str, *, as_json: bool = False, years: int | None = None,
                 seed: int = 0) -> int:
    """Load, analyse and print one design; returns the exit code.

    Without ``years`` the simulation and sweeps fit the default time budget (the
    report says how many years ran); with it, exactly that many years run."""
    from .analysis import analyze  # imported late: `--version` and `--help` stay fast
    from .analysis.engine import DEFAULT_TIME_BUDGET

    options: dict[str, Any] = {"time_budget": DEFAULT_TIME_BUDGET}
    if years is not None:
        options = {"simulation_years": max(int(years), 0), "seed": int(seed)}
    try:
        design = load_design(path)
        report = analyze(design, **options)
    except DesignError as err:
        print(_one_line(err), file=sys.stderr)
        return EXIT_REFUSED
    if as_json:
        print(json_for_terminal(json.dumps(report.to_dict(), indent=2, ensure_ascii=False,
                                           allow_nan=False)))
    else:
        print(for_terminal(format_report(design, report, source=path)))
    return EXIT_OK if report.system.meets_slo else EXIT_SLO_MISSED


def cmd_recommend(ns: argparse.Namespace) -> int:
    """``modeller recommend FILE [--json]``: exit 0 an option meets every target, 1 none does."""
    from .analysis.recommend import recommend  # imported late, like analyze

    try:
        design = load_design(ns.file)
        rec = recommend(design)
    except DesignError as err:
        print(_one_line(err), file=sys.stderr)
        return EXIT_REFUSED
    if ns.json:
        print(json_for_terminal(json.dumps(rec.to_dict(), indent=2, ensure_ascii=False,
                                           allow_nan=False)))
    else:
        print(for_terminal(format_recommendation(design, rec, source=ns.file)))
    return EXIT_OK if rec.found else EXIT_SLO_MISSED


def format_recommendation(design: Design, rec: Any, source: str = "") -> str:
    """The options as text: targets, then each option's changes and numbers."""
    from .analysis.recommend import describe_change

    title = f"Recommendations for {design.name}" + (f"  ({source})" if source else "")
    out = [title, "=" * min(len(title), 100), ""]

    def verdict(v: bool | None) -> str:
        return "met" if v else ("n/a" if v is None else "MISSED")

    out.append("Targets (now)")
    for t in rec.targets:
        out.append(f"  {verdict(rec.current.meets.get(t.key)):6}  {t.label}")

    def numbers(o: Any) -> list[str]:
        p99 = fmt_ms(o.p99_ms) if o.p99_ms is not None else "—"
        sign = "+" if o.delta_cost_month >= 0 else "−"
        return _pairs([
            ("Availability", f"{fmt_percent(o.availability, o.unavailability)}  "
                             f"({fmt_nines(o.nines)} nines)"),
            ("Downtime", f"{fmt_duration(o.downtime_minutes_per_year)} a year"),
            ("Worst p99", f"{p99} ms" if o.p99_ms is not None else p99),
            ("Headroom", fmt_headroom(o.headroom)),
            ("Cost", f"{fmt_money(o.cost_month)} a month ({sign}{fmt_money(abs(o.delta_cost_month))})"),
            ("Targets", ", ".join(f"{k} {verdict(v)}" for k, v in o.meets.items())),
        ])

    if rec.current.meets_all:
        out += ["", "The design as drawn meets every target: nothing to change."]
    for i, o in enumerate(rec.options, 1):
        out += ["", f"Option {i}: {o.label} ({len(o.changes)} change"
                    f"{'s' if len(o.changes) != 1 else ''})"]
        out += [f"  - {describe_change(design, ch)}" for ch in o.changes]
        out += numbers(o)
    if not rec.found:
        out += ["", "No option meets every target."]
        out += [f"  {w}" for w in rec.why]
        if rec.closest is not None:
            out += ["", f"Closest ({len(rec.closest.changes)} changes)"]
            out += [f"  - {describe_change(design, ch)}" for ch in rec.closest.changes]
            out += numbers(rec.closest)
    search = (f"{rec.evaluations} designs evaluated exactly over {len(rec.candidates)} parts "
              f"({rec.space:,} combinations); "
              + ("exhaustive over these levers" if rec.exhaustive else "not exhaustive"))
    out += ["", "Search: " + search]
    out += [f"  - {n}" for n in rec.notes]
    return "\n".join(out)


def cmd_open(ns: argparse.Namespace) -> int:
    """``modeller [FILE ...]``: the GUI, or the headless analysis when it cannot start."""
    files: list[str] = list(ns.files)
    reason = no_display_reason()
    if reason is None:
        from .qtdeps import missing_for_xcb, missing_message, uses_xcb

        missing = missing_for_xcb() if uses_xcb() else []
        if missing:  # Qt would abort with a raw "xcb plugin" message: name what to install
            reason = missing_message(missing)
    if reason is None:
        hold_interrupts()  # a KeyboardInterrupt inside Qt's import aborts it: note Ctrl+C only
        try:
            from .ui.window.app import run
        except (ImportError, OSError) as exc:  # no PySide6, or missing system GL libraries
            reason = f"the GUI cannot start ({_one_line(exc)})"
            if release_interrupts():
                raise KeyboardInterrupt from None
        else:
            return int(run(files))
    targets = files or [str(example_path())]
    what = "the bundled example" if not files else "the given file" + ("s" if len(files) > 1 else "")
    print(f"modeller: {reason}; showing the headless analysis of {what} "
          f"({', '.join(targets)}) instead", file=sys.stderr)
    code = EXIT_OK
    for i, target in enumerate(targets):
        if i:
            print()
        code = max(code, analyze_file(target))
    return code


def no_display_reason() -> str | None:
    """Why no window can be shown (None when a GUI is worth trying)."""
    if not sys.platform.startswith("linux"):
        return None
    env = os.environ
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"):
        return None
    return "no display available (DISPLAY and WAYLAND_DISPLAY are not set)"


# ---------------------------------------------------------------------------
# the readable report


def format_report(design: Design, report: Any, source: str = "") -> str:
    """The report as plain-text tables for a terminal."""
    out: list[str] = []
    s = report.system
    title = design.name + (f"  ({source})" if source else "")
    out += [title, "=" * min(len(title), 100), ""]

    slo_line = "met" if s.meets_slo else "MISSED by " + ", ".join(
        cid for cid, c in report.clients.items() if not c.meets_slo)
    headroom = fmt_headroom(s.headroom)
    if s.bottleneck:
        headroom += f"  (bottleneck: {_label(report, s.bottleneck)})"
    out += _pairs([
        ("Availability", f"{fmt_percent(s.availability, s.unavailability)}  "
                         f"({fmt_nines(s.nines)} nines)"),
        ("Downtime", f"{fmt_duration(s.downtime_minutes_per_year)} a year"),
        ("Headroom", headroom),
        ("Cost", f"{fmt_money(s.cost_month)} a month"),
        ("SLO", slo_line),
    ])

    if report.clients:
        rows = []
        for cid, c in report.clients.items():
            lat = c.latency_ms
            rows.append([
                cid, fmt_number(c.demand_rps), fmt_percent(c.availability, c.unavailability),
                fmt_nines(c.nines), fmt_duration(c.downtime_minutes_per_year),
                fmt_ms(lat.mean) if lat else "—", fmt_ms(lat.p99) if lat else "—",
                fmt_slo(c.slo), "ok" if c.meets_slo else "MISSED",
            ])
        out += ["", "Clients"]
        out += _table(["client", "demand rps", "availability", "nines", "downtime/yr",
                       "mean ms", "p99 ms", "SLO", "status"], rows, right={1, 3, 5, 6})

    if report.nodes:
        rows = []
        for nid, n in report.nodes.items():
            rows.append([
                nid, n.kind, str(n.replicas),
                fmt_percent(n.own_availability, n.own_unavailability),
                fmt_percent(n.availability, n.unavailability),
                fmt_number(n.load_rps), fmt_util(n.utilization), fmt_small(n.birnbaum),
                fmt_duration(n.downtime_contribution_minutes),
            ])
        out += ["", "Nodes (own: the part alone; serves: with what it needs and the zones "
                    "around it)"]
        out += _table(["node", "kind", "replicas", "own", "serves", "load rps", "util",
                       "Birnbaum", "downtime contribution/yr"], rows, right={2, 3, 4, 5, 6, 7, 8})

    if report.failures:
        order = {"region": 0, "zone": 1}
        failures = sorted(report.failures, key=lambda f: order.get(f.kind, 2))  # stable
        rows = []
        for f in failures:
            if f.clients_down:
                result = "drops " + ", ".join(f.clients_down)
            elif f.overloaded:
                result = "does not survive: overloaded"
            elif f.hot:
                result = "survives, hot: " + ", ".join(
                    f"{h} ({fmt_util(f.utilization.get(h))})" for h in f.hot[:3]) + \
                    (f" and {len(f.hot) - 3} more" if len(f.hot) > 3 else "")
            else:
                result = "survives"
            over = ", ".join(f"{o} ({fmt_util(f.utilization.get(o))})" for o in f.overloaded)
            rows.append([f.down, f.kind, result, over or "—",
                         fmt_percent(f.availability_given_down, f.unavailability_given_down)])
        out += ["", "Failure scenarios (one thing down, everything else up)"]
        out += _table(["down", "kind", "result", "overloaded", "availability then"], rows)

    if report.spofs:
        out += ["", "Single points of failure (the failure unit that makes each one)"]
        out += [f"  - {x}: {report.spof_units.get(x, 'its loss drops a client')}"
                for x in report.spofs]
    else:
        out += ["", "Single points of failure: none"]
    out += _cut_sets_section(design, report)
    out += _recovery_section(design, report)  # (4b) issue 14
    if report.warnings:
        out += ["", "Warnings"] + [f"  - {w}" for w in report.warnings]
    extras = getattr(report, "extras", None) or {}
    if isinstance(extras.get("simulation"), dict):
        out += _simulation_section(extras["simulation"], s.unavailability)
    if isinstance(extras.get("sweeps"), dict):
        out += _sweeps_section(report, extras["sweeps"])
    for key, value in extras.items():
        if key not in _EXTRAS_NOT_SHOWN:
            out += _extra_section(key, value)
    return "\n".join(out)


_EXTRAS_NOT_SHOWN = {"engine", "simulation", "sweeps"}  # shown above, or developers' diagnostics


CUT_SETS_SHOWN = 10


def _cut_sets_section(design: Design, report: Any) -> list[str]:
    """The most probable minimal cut sets, each as a sentence (``analysis.cutsets``)."""
    cuts = getattr(report, "cut_sets", None) or []
    summary = getattr(report, "cut_sets_summary", None) or {}
    if not cuts and not summary:
        return []
    from .analysis.cutsets import sentence

    names = {cid: design.nodes[cid].name for cid in report.clients if cid in design.nodes}
    lines = ["", "Minimal cut sets (up to 3 failures that together take a client down)"]
    if not cuts:
        lines.append("  none" + (f": {summary['note']}" if summary.get("note") else ""))
        return lines
    for i, cs in enumerate(cuts[:CUT_SETS_SHOWN], 1):
        lines.append(f"  {i:>2}. " + " + ".join(u.words for u in cs.units))
        lines.append(f"      {sentence(cs, names)} (probability {cs.probability:.2g})")
    found = summary.get("found", len(cuts))
    if found > CUT_SETS_SHOWN:
        lines.append(f"  {min(CUT_SETS_SHOWN, len(cuts))} of {found:,} shown; --json lists "
                     f"{'them all' if found == len(cuts) else f'the {len(cuts)} most probable'}")
    lines.append("  Shares by the rare-event approximation: overlapping sets do not add up to "
                 "exactly 100 %.")
    if summary.get("note"):
        lines.append(f"  {summary['note']}")
    return lines


def _recovery_section(design: Design, report: Any) -> list[str]:
    """(4b) Per client success ratio and error budget; per disruption the worst RTO, RPO
    and whether the policy is met (``export.resilience`` builds the cells)."""
    from .export.resilience import (
        CLIENT_HEADER,
        SUMMARY_HEADER,
        any_reliability,
        client_rows,
        summary_rows,
    )

    if not any_reliability(report):
        return []
    lines: list[str] = []
    rows = client_rows(report)
    if rows:
        lines += ["", "Success and error budget (success ratio: availability x requests that "
                      "do not error)"]
        lines += _table(CLIENT_HEADER, rows, right={1, 2, 4, 5})
    rows = summary_rows(report, {nid: n.name for nid, n in design.nodes.items()})
    if rows:
        lines += ["", "Recovery (RTO: until every client is served again; RPO: acknowledged "
                      "writes lost)"]
        lines += _table(SUMMARY_HEADER, rows, right={1})
        if not getattr(design.settings, "policy", None):
            lines.append("  No policy set: add settings.policy to check RTO/RPO targets.")
    return lines


def _simulation_section(sim: dict[str, Any], exact_unavailability: float) -> list[str]:
    """The time view: how bad a bad year is, next to the exact mean it must agree with."""
    try:
        dt = sim["downtime_minutes"]
        ci = sim.get("ci95") or [None, None]
        title = f"Simulation ({sim['years']:,} simulated years, seed {sim['seed']}"
        if sim.get("stopped_by_budget"):
            title += f"; the time budget stopped it before {sim.get('requested_years', 0):,}: " \
                     "--simulate YEARS runs more"
        elif sim.get("limit"):  # a memory/work/event limit (simulation.py budgets)
            title += f"; {sim['limit']}"
        lines = ["", title + ")"]
        pairs = [
            ("Downtime a year", f"mean {fmt_duration(dt['mean'])}, median {fmt_duration(dt['p50'])}, "
                                f"p95 {fmt_duration(dt['p95'])}, p99 {fmt_duration(dt['p99'])}"),
            ("Outages a year", f"{sim['outages_per_year']:.2f}"),
            ("Availability", f"{fmt_percent(sim['availability'], sim['unavailability'])} "
                             f"(95 % CI {fmt_percent(ci[0])} – {fmt_percent(ci[1])}, "
                             f"± {sim.get('stderr', 0.0) * 1.96 * 100:.2g} points); "
                             f"exact {fmt_percent(1 - exact_unavailability, exact_unavailability)}"),
        ]
        if sim.get("slo") is not None and sim.get("p_miss_slo") is not None:
            pairs.append(("Years missing SLO",
                          f"{sim['p_miss_slo'] * 100:.1f} % of years exceed "
                          f"{fmt_duration(sim['allowed_minutes'])} (SLO {fmt_percent(sim['slo'])})"))
        return lines + _pairs(pairs)
    except (KeyError, TypeError, ValueError):  # an add-on must never break the main report
        return []


def _sweeps_section(report: Any, sweeps: dict[str, Any]) -> list[str]:
    """What-if tables: demand 0..2x nominal, and replicas for the top downtime contributors."""
    lines: list[str] = []
    try:
        demand = sweeps.get("demand") or []
        if demand:
            rows = []
            for r in demand:
                lat = r.get("latency_ms") or {}
                p99 = max((v["p99"] for v in lat.values() if v["p99"] is not None),
                          default=None) if lat else None
                rows.append([f"{r['factor']:.1f}×", fmt_number(sum(r["demand_rps"].values())),
                             fmt_percent(r["availability"], r["unavailability"]),
                             fmt_util(r["max_utilization"]),
                             r["bottleneck"] or "—", fmt_ms(p99) if lat else "—"])
            lines += ["", "What if demand changes (capacity-aware availability)"]
            lines += _table(["demand", "rps", "availability", "max util", "bottleneck",
                             "worst p99 ms"], rows, right={0, 1, 3, 5})
        for nid, rows_in in (sweeps.get("replicas") or {}).items():
            rows = [[str(r["replicas"]), fmt_percent(r["availability"], r["unavailability"]),
                     fmt_nines(r["nines"]), fmt_duration(r["downtime_minutes_per_year"]),
                     fmt_money(r["cost_month"]), fmt_headroom(r["headroom"])] for r in rows_in]
            lines += ["", f"What if {_label(report, nid)} had n replicas"]
            lines += _table(["n", "availability", "nines", "downtime/yr", "cost/month",
                             "headroom"], rows, right={0, 2, 3, 4, 5})
    except (KeyError, TypeError, ValueError):
        return lines
    return lines


def _label(report: Any, node_id: str) -> str:
    n = report.nodes.get(node_id)
    return node_id if n is None or n.name == node_id else f"{n.name} ({node_id})"


def _pairs(items: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in items)
    return [f"  {k.ljust(width)}  {v}" for k, v in items]


def _table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    right = right or set()
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return ("  " + "  ".join(parts)).rstrip()

    return [line(header), "  " + "  ".join("-" * w for w in widths)] + [line(r) for r in rows]


def _extra_section(key: str, value: Any) -> list[str]:
    """Later analysis stages (simulation, sweeps) add report.extras; show what is simple."""
    title = key.replace("_", " ").capitalize()
    try:
        if isinstance(value, dict):
            lines = []
            for k, v in value.items():
                if _is_scalar(v):
                    lines.append(f"  {k}: {fmt_scalar(v)}")
                elif isinstance(v, dict) and v and all(_is_scalar(x) for x in v.values()):
                    inner = ", ".join(f"{a}={fmt_scalar(b)}" for a, b in v.items())
                    lines.append(f"  {k}: {inner}")
            return ["", title, *lines] if lines else []
        if _is_scalar(value):
            return ["", f"{title}: {fmt_scalar(value)}"]
    except Exception:  # an add-on must never break the main report
        return []
    return []


def _is_scalar(v: Any) -> bool:
    return v is None or isinstance(v, (str, int, float, bool))


MAX_MESSAGE = 2000  # characters of one refusal or error line on a terminal


def _one_line(exc: BaseException | str) -> str:
    """One bounded line for a terminal: whitespace collapsed, control characters escaped."""
    text = exc if isinstance(exc, str) else (str(exc) or type(exc).__name__)
    if isinstance(exc, BaseException) and not isinstance(exc, DesignError) and str(exc):
        text = f"{type(exc).__name__}: {exc}"
    return shorten(for_terminal(" ".join(str(text).split()), keep_newlines=False), MAX_MESSAGE)


def json_for_terminal(text: str) -> str:
    """JSON text with DEL and C1 control characters (which json.dumps leaves raw when
    ensure_ascii is off) written as \\u escapes: the same JSON, safe on a terminal."""
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _exit_code(code: Any) -> int:
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return EXIT_REFUSED


def _debug() -> bool:
    return os.environ.get("MODELLER_DEBUG", "") not in ("", "0")


def _tolerant_streams() -> None:
    """A console that cannot encode "—" or "→" gets a replacement, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
