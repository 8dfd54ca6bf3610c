#!/usr/bin/env bash
# Install the built .deb for real, use the installed app as a person and a script would,
# then remove it again. Run after `python packaging/build.py`, as root:
#
#   bash packaging/test_installed.sh [path/to/modeller_<version>_<arch>.deb]
#
# Checks: dpkg -i (missing Depends fetched with apt-get -f), the files and desktop
# integration it installs, `--version` (start-up time: median of 5), `analyze --json` on
# every bundled example, refused input (exit 2, no traceback), `export -o out.png` when
# the CLI has it, the GUI staying up offscreen with a file to open (and under Xvfb with
# the real xcb plugin when Xvfb is installed, with a screenshot), the portable tar.gz,
# licences and notices, the glibc the bundle needs (<= 2.35), no bundled system helpers,
# stripped binaries, and dpkg -r. KEEP_INSTALLED=1 skips the removal. Exit 1 if anything
# failed. Times are reported as figures, never pass/fail: a loaded machine is slow, not
# broken (a hang is still caught by the generous timeouts).
set -uo pipefail

# Hang guards, never speed limits (tests/hardening/test_no_speed_limits.py checks this).
# `analyze` and the report exports fit a 1.5 s budget for the simulation and sweeps, but
# the exact pass, scenarios and latency always run: the 300-node example took 78-100 s
# under load on a 2-core machine in one run (2 s when idle), so every guard around an
# analysis is 15 minutes; quick commands (--version, --help, a refused file) get 5 and
# the GUI 10 minutes to show its window. MODELLER_TEST_GUARD_S overrides the analysis one.
GUARD_ANALYSIS=${MODELLER_TEST_GUARD_S:-900}
GUARD_QUICK=300
GUARD_WINDOW=600

cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEB=${1:-$(ls -t packaging/dist/modeller_*.deb 2>/dev/null | head -n 1)}
OUT="$ROOT/packaging/dist/test-installed"   # screenshots and exported files, kept
APP=/opt/modeller/modeller
PASSED=0 FAILED=0 SKIPPED=0
FIGURES=()

pass() { PASSED=$((PASSED + 1)); printf '  PASS  %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf '  FAIL  %s\n' "$*"; }
skip() { SKIPPED=$((SKIPPED + 1)); printf '  SKIP  %s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
figure() { FIGURES+=("$*"); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
has_traceback() { grep -qE 'Traceback \(most recent call last\)|internal error|Fatal Python error' "$1"; }

finish() {
    step "summary"
    for f in "${FIGURES[@]}"; do printf '  %s\n' "$f"; done
    echo
    echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
    [ "$FAILED" -eq 0 ]
    exit $?
}

[ -n "$DEB" ] && [ -f "$DEB" ] || { echo "no .deb found: run 'python packaging/build.py' first" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root: dpkg -i needs it" >&2; exit 2; }
command -v dpkg >/dev/null || { echo "dpkg not found: this test is for Debian/Ubuntu" >&2; exit 2; }
DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
mkdir -p "$OUT"
SCRATCH=$(mktemp -d /tmp/modeller-installed.XXXXXX)
XVFB_PID=
cleanup() {
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

# ------------------------------------------------------------------------------------------
step "install $DEB"
figure "package: $(basename "$DEB") ($(du -h "$DEB" | cut -f1))"
if dpkg -i "$DEB" >"$SCRATCH/dpkg.log" 2>&1; then
    pass "dpkg -i"
elif command -v apt-get >/dev/null && grep -q "dependency problems" "$SCRATCH/dpkg.log"; then
    echo "  (dpkg -i left dependencies missing; apt-get -f install fetches them)"
    if DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >>"$SCRATCH/dpkg.log" 2>&1; then
        pass "dpkg -i, then apt-get -f install for missing Depends"
    else
        fail "apt-get -f install"; tail -20 "$SCRATCH/dpkg.log"
    fi
else
    fail "dpkg -i"; tail -20 "$SCRATCH/dpkg.log"
fi
status=$(dpkg-query -W -f='${Status}' modeller 2>/dev/null)
if [ "$status" = "install ok installed" ]; then pass "dpkg status: $status"; else fail "dpkg status: '$status'"; finish; fi

# ------------------------------------------------------------------------------------------
step "installed files"
[ -x "$APP" ] && pass "$APP is executable" || fail "$APP missing"
[ "$(readlink -f /usr/bin/modeller)" = "$APP" ] && pass "/usr/bin/modeller -> $APP" \
    || fail "/usr/bin/modeller does not point to $APP"
DESKTOP=/usr/share/applications/modeller.desktop
if [ -f "$DESKTOP" ] && grep -q '^MimeType=.*application/x-modeller-design;' "$DESKTOP"; then
    pass "$DESKTOP declares application/x-modeller-design"
else
    fail "$DESKTOP missing or without MimeType"
fi
if command -v desktop-file-validate >/dev/null; then
    if out=$(desktop-file-validate "$DESKTOP" 2>&1) && [ -z "$out" ]; then
        pass "desktop-file-validate"
    else
        fail "desktop-file-validate: $out"
    fi
else
    skip "desktop-file-validate not installed (apt-get install desktop-file-utils)"
fi
[ -f /usr/share/mime/packages/modeller.xml ] && pass "shared-mime-info package installed" \
    || fail "/usr/share/mime/packages/modeller.xml missing"
if command -v update-mime-database >/dev/null; then
    # dpkg's trigger for /usr/share/mime/packages has rebuilt the database by now
    if grep -q 'application/x-modeller-design:\*\.arch\.json' /usr/share/mime/globs2 2>/dev/null; then
        pass "MIME database maps *.arch.json to application/x-modeller-design"
    else
        fail "*.arch.json not in /usr/share/mime/globs2"
    fi
else
    skip "shared-mime-info not installed: MIME database not rebuilt"
fi
for icon in hicolor/16x16/apps/modeller.png hicolor/256x256/apps/modeller.png \
            hicolor/512x512/apps/modeller.png hicolor/scalable/apps/modeller.svg \
            hicolor/48x48/mimetypes/application-x-modeller-design.png; do
    [ -s "/usr/share/icons/$icon" ] || { fail "icon $icon missing"; continue; }
    pass "icon $icon"
done
# the bootloader puts _internal on LD_LIBRARY_PATH; whatever is still unresolved is missing
missing=$(find /opt/modeller -name '*.so*' -type f -print0 \
    | LD_LIBRARY_PATH=/opt/modeller/_internal xargs -0 ldd 2>/dev/null | grep 'not found' | sort -u)
[ -z "$missing" ] && pass "every bundled library resolves (ldd)" || fail "unresolved libraries: $missing"
figure "installed size: $(du -sh /opt/modeller | cut -f1) in /opt/modeller ($(find /opt/modeller -type f | wc -l) files)"

step "licences, glibc, trimming"
COPYRIGHT=/usr/share/doc/modeller/copyright
if [ -s "$COPYRIGHT" ] && grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$COPYRIGHT" \
    && grep -q 'LGPL-3' "$COPYRIGHT"; then
    pass "$COPYRIGHT (machine-readable, names the LGPL-3 of Qt/PySide6)"
else
    fail "$COPYRIGHT missing or incomplete"
fi
LICENSES=/opt/modeller/_internal/licenses
for f in LICENSE NOTICE LGPL-3.0.txt GPL-3.0.txt numpy/LICENSE.txt networkx/LICENSE.txt \
         pyqtgraph/LICENSE.txt; do
    [ -s "$LICENSES/$f" ] && pass "bundled licence $f" || fail "bundled licence $f missing"
done
[ -n "$(ls "$LICENSES"/python/ 2>/dev/null)" ] && pass "bundled Python licence" || fail "no Python licence in $LICENSES/python"
if command -v objdump >/dev/null; then
    glibc=$(find /opt/modeller -type f \( -name '*.so*' -o -name modeller \) -print0 \
        | xargs -0 -r objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' \
        | sort -Vu | tail -n 1)
    figure "newest glibc symbol the bundle needs: GLIBC_${glibc:-?}"
    if [ -n "$glibc" ] && [ "$(printf '%s\n2.35\n' "$glibc" | sort -V | tail -n 1)" = 2.35 ]; then
        pass "the bundle needs glibc $glibc <= 2.35 (Ubuntu 22.04)"
    else
        fail "the bundle needs glibc ${glibc:-?} > 2.35"
    fi
else
    skip "objdump not installed (apt-get install binutils): glibc not checked"
fi
helpers=$(ls /opt/modeller/_internal 2>/dev/null | grep -E '^lib(expat|pcre2-[0-9]+|z|png16|systemd|readline|ssl)\.so' || true)
[ -z "$helpers" ] && pass "no system helpers bundled (expat, pcre2, zlib, libpng, systemd, readline, ssl)" \
    || fail "bundled system helpers override the host's: $(echo $helpers)"
if find /opt/modeller -name 'libQt6Network*' | grep -q .; then fail "QtNetwork bundled"; else pass "no QtNetwork"; fi
dangling=$(find /opt/modeller -xtype l)
[ -z "$dangling" ] && pass "no dangling symlinks" || fail "dangling symlinks: $(echo $dangling)"
LIBPY=$(ls /opt/modeller/_internal/libpython3*.so* 2>/dev/null | head -n 1)
if [ -n "$LIBPY" ] && command -v file >/dev/null; then
    file -L "$LIBPY" | grep -q 'not stripped' && fail "$(basename "$LIBPY") is not stripped" \
        || pass "$(basename "$LIBPY") stripped ($(du -h "$LIBPY" | cut -f1))"
elif [ -n "$LIBPY" ]; then
    figure "$(basename "$LIBPY"): $(du -h "$LIBPY" | cut -f1)"
fi

# ------------------------------------------------------------------------------------------
# a clean, headless environment: no display, no settings or recovery files of the user's
export HOME="$SCRATCH/home" XDG_CONFIG_HOME="$SCRATCH/home/.config" \
    XDG_DATA_HOME="$SCRATCH/home/.local/share" XDG_CACHE_HOME="$SCRATCH/home/.cache" \
    XDG_RUNTIME_DIR="$SCRATCH/run" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY PYTHONPATH PYTHONHOME MODELLER_DEBUG
cd "$SCRATCH" || exit 1

step "--version (offscreen)"
if out=$(timeout "$GUARD_QUICK" modeller --version 2>&1) && [[ "$out" =~ ^modeller\ [0-9] ]]; then
    pass "modeller --version: $out"
else
    fail "modeller --version: $out"
fi
times=()
for _ in 1 2 3 4 5; do
    t0=$(now_ms); timeout "$GUARD_QUICK" "$APP" --version >/dev/null 2>&1; times+=($(( $(now_ms) - t0 )))
done
start_ms=$(printf '%s\n' "${times[@]}" | median)
figure "start-up (--version wall time, median of 5): ${start_ms} ms  [${times[*]}]"

# ------------------------------------------------------------------------------------------
step "analyze"
EXAMPLES=/opt/modeller/_internal/resources/examples
EXAMPLE=$EXAMPLES/multi-az.arch.json
[ -f "$EXAMPLE" ] || EXAMPLE=$(ls "$EXAMPLES"/*.arch.json 2>/dev/null | head -n 1)
if [ -z "$EXAMPLE" ] || [ ! -f "$EXAMPLE" ]; then
    fail "no bundled example under $EXAMPLES"; finish
fi
cp "$EXAMPLE" example.arch.json
timeout "$GUARD_ANALYSIS" modeller analyze example.arch.json >report.txt 2>err.txt; rc=$?
if [ "$rc" -le 1 ] && grep -q 'Availability' report.txt && ! has_traceback err.txt; then
    pass "analyze example.arch.json (exit $rc): $(grep -m1 'Availability' report.txt | sed 's/^ *//')"
else
    fail "analyze example.arch.json: exit $rc"; head -5 err.txt
fi
for ex in "$EXAMPLES"/*.arch.json; do
    name=$(basename "$ex")
    t0=$(now_ms); timeout "$GUARD_ANALYSIS" modeller analyze "$ex" --json >"$name.report.json" 2>err.txt; rc=$?; ms=$(( $(now_ms) - t0 ))
    if [ "$rc" -gt 1 ] || has_traceback err.txt; then
        fail "analyze $name --json: exit $rc $(head -c 300 err.txt)"; continue
    fi
    if command -v python3 >/dev/null; then
        summary=$(python3 - "$name.report.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
a = r["system"]["availability"]
assert 0.0 < a <= 1.0, a
assert r["nodes"], "no nodes"
print(f"availability {a:.6f}, {r['system']['nines']:.2f} nines, {len(r['nodes'])} nodes")
EOF
        ) && pass "analyze $name --json (exit $rc, ${ms} ms): $summary" \
          || fail "analyze $name --json: not a report: $(head -c 200 "$name.report.json")"
    elif grep -q '"availability"' "$name.report.json"; then
        pass "analyze $name --json (exit $rc, ${ms} ms)"
    else
        fail "analyze $name --json: no availability in the output"
    fi
    figure "analyze $name --json: ${ms} ms"
done
timeout "$GUARD_QUICK" modeller analyze no-such-file.arch.json >/dev/null 2>err.txt; rc=$?
[ "$rc" = 2 ] && ! has_traceback err.txt && pass "missing file refused: exit 2, $(head -c 120 err.txt)" \
    || fail "missing file: exit $rc $(head -c 300 err.txt)"
printf '{"format": "modeller.design", "nodes": [' >broken.arch.json
timeout "$GUARD_QUICK" modeller analyze broken.arch.json >/dev/null 2>err.txt; rc=$?
[ "$rc" = 2 ] && ! has_traceback err.txt && pass "broken file refused: exit 2, $(head -c 120 err.txt)" \
    || fail "broken file: exit $rc $(head -c 300 err.txt)"

# ------------------------------------------------------------------------------------------
step "export"
# magic <- what the start of a good file of each type holds
check_export() {  # FILE.EXT MAGIC-REGEX: PASS, FAIL, or SKIP when the CLI lacks the format
    local out=$1 magic=$2 rc
    rm -f "$out"
    timeout "$GUARD_ANALYSIS" modeller export example.arch.json -o "$out" >export.log 2>&1; rc=$?
    if [ "$rc" = 2 ] && grep -qi 'unknown export type\|invalid choice' export.log; then
        skip "export -o $out: this build's CLI has no ${out##*.} export yet: $(head -c 200 export.log)"
    elif [ "$rc" = 0 ] && [ -s "$out" ] && head -c 512 "$out" | LC_ALL=C grep -aqiE "$magic"; then
        cp "$out" "$OUT/export.${out##*.}"
        pass "export -o $out: $(wc -c <"$out") bytes (copy in $OUT/export.${out##*.})"
    else
        fail "export -o $out: exit $rc $(head -c 400 export.log)"
    fi
}
if timeout "$GUARD_QUICK" modeller --help 2>/dev/null | grep -qE '^\s+export\b|[{,]export[,}]'; then
    check_export out.png $'^\x89PNG'
    if [ -s out.png ]; then
        [ "$(wc -c <out.png)" -gt 5000 ] && pass "the PNG has content ($(wc -c <out.png) bytes > 5 kB)" \
            || fail "the PNG is only $(wc -c <out.png) bytes"
    fi
    check_export out.svg '<svg'
    check_export out.pdf '^%PDF'
    check_export out.html '<html'
else
    skip "the 'export' sub-command is not in this build yet (modeller --help lists no export)"
fi

# ------------------------------------------------------------------------------------------
step "GUI smoke (offscreen): open example.arch.json, stay up for 5 s"
timeout 5 modeller example.arch.json >gui.out 2>gui.err; rc=$?
if [ "$rc" = 124 ] && ! has_traceback gui.err && ! grep -q 'cannot start\|showing the headless' gui.err; then
    pass "GUI still running after 5 s (timeout exit 124), no traceback"
else
    fail "GUI exited with $rc: $(head -c 600 gui.err)"
fi

if command -v Xvfb >/dev/null; then
    step "GUI under Xvfb with the bundled xcb platform plugin"
    Xvfb :87 -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 & XVFB_PID=$!
    sleep 1
    t0=$(now_ms)
    ( export DISPLAY=:87; unset QT_QPA_PLATFORM
      exec timeout $((GUARD_WINDOW + 60)) modeller example.arch.json ) >xcb.out 2>xcb.err & gui=$!
    if command -v xwininfo >/dev/null; then  # time until the main window is mapped
        window_ms=
        while [ $(( $(now_ms) - t0 )) -lt $((GUARD_WINDOW * 1000)) ]; do  # a hang guard, not a speed limit
            # the top-level window with WM_CLASS ("modeller" ...), and it is on screen
            wid=$(xwininfo -display :87 -root -tree 2>/dev/null | awk '/\("modeller" / {print $1; exit}')
            if [ -n "$wid" ] && xwininfo -display :87 -id "$wid" 2>/dev/null | grep -q IsViewable; then
                window_ms=$(( $(now_ms) - t0 )); break
            fi
            sleep 0.05
        done
        if [ -n "$window_ms" ]; then
            figure "GUI start-up (launch to main window mapped, Xvfb): ${window_ms} ms"
            pass "main window mapped under Xvfb"
        else
            fail "no Modeller window appeared within $GUARD_WINDOW s (a hang guard)"
        fi
    else
        skip "xwininfo not installed (apt-get install x11-utils): the window itself is not checked"
        sleep 10
    fi
    sleep 2
    if command -v xwd >/dev/null && command -v convert >/dev/null; then
        xwd -root -display :87 -silent 2>/dev/null | convert xwd:- "$OUT/gui-xcb.png" 2>/dev/null \
            && figure "screenshot of the installed GUI under Xvfb: $OUT/gui-xcb.png"
    fi
    if kill -0 "$gui" 2>/dev/null; then alive=1; kill "$gui" 2>/dev/null; else alive=0; fi
    wait "$gui"; rc=$?
    if [ "$alive" = 1 ] && ! has_traceback xcb.err \
        && ! grep -q 'could not load the Qt platform plugin\|cannot start' xcb.err; then
        pass "GUI on xcb still running when stopped"
    else
        fail "GUI on xcb exited with $rc: $(head -c 600 xcb.err)"
    fi
    kill "$XVFB_PID" 2>/dev/null; wait "$XVFB_PID" 2>/dev/null; XVFB_PID=
else
    skip "Xvfb not installed: no check of the xcb platform plugin (apt-get install xvfb)"
fi

# ------------------------------------------------------------------------------------------
TARBALL=$(ls -t "$(dirname "$DEB")"/modeller-*-linux-*.tar.gz 2>/dev/null | head -n 1)
if [ -n "$TARBALL" ]; then
    step "portable $(basename "$TARBALL")"
    mkdir -p portable && tar -xzf "$TARBALL" -C portable
    exe=$(ls portable/*/modeller 2>/dev/null | head -n 1)
    if [ -n "$exe" ] && out=$(timeout "$GUARD_QUICK" "$exe" --version 2>&1); then
        timeout "$GUARD_ANALYSIS" "$exe" analyze example.arch.json --json >/dev/null 2>err.txt; rc=$?
        [ "$rc" -le 1 ] && pass "unpacked tar.gz runs: $out; analyze exit $rc" \
            || fail "unpacked tar.gz: analyze exit $rc $(head -c 300 err.txt)"
    else
        fail "unpacked tar.gz: ${out:-no executable}"
    fi
    [ -x "$(dirname "$exe")/install-user.sh" ] && pass "install-user.sh included" || fail "install-user.sh missing"
fi

# ------------------------------------------------------------------------------------------
cd "$ROOT" || exit 1
if [ "${KEEP_INSTALLED:-0}" = 1 ]; then
    step "KEEP_INSTALLED=1: leaving modeller installed"
else
    step "dpkg -r modeller"
    if dpkg -r modeller >"$SCRATCH/dpkg-r.log" 2>&1 && [ ! -e /opt/modeller ] && [ ! -e /usr/bin/modeller ] \
        && [ ! -e "$DESKTOP" ]; then
        pass "dpkg -r removed /opt/modeller, /usr/bin/modeller and the desktop file"
    else
        fail "dpkg -r: $(tail -5 "$SCRATCH/dpkg-r.log")"
    fi
    if command -v update-mime-database >/dev/null; then
        grep -q 'arch\.json' /usr/share/mime/globs2 2>/dev/null && fail "*.arch.json still in the MIME database" \
            || pass "MIME type gone from the database"
    fi
fi
finish
