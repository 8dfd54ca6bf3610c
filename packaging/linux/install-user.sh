#!/bin/sh
# Portable Modeller: add it to your own menu and file manager (no root needed), or undo that.
#   ./install-user.sh              install for this user (~/.local)
#   ./install-user.sh --uninstall  remove what the line above added
# The app itself stays in this folder: run ./modeller directly if you prefer.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
mime_icon=application-x-modeller-design

refresh() {
    command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$data/mime" || true
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$bin/modeller" "$data/applications/modeller.desktop" "$data/mime/packages/modeller.xml"
    find "$data/icons/hicolor" \( -name modeller.png -o -name modeller.svg \
        -o -name "$mime_icon.png" -o -name "$mime_icon.svg" \) -delete 2>/dev/null || true
    refresh
    echo "Modeller removed from your menu; delete $here to remove the app itself."
    exit 0
fi

mkdir -p "$bin" "$data/applications" "$data/mime/packages"
ln -sf "$here/modeller" "$bin/modeller"
# Exec/TryExec with the absolute path: ~/.local/bin is not on every desktop's PATH
sed -e "s|^Exec=modeller|Exec=\"$here/modeller\"|" -e "s|^TryExec=modeller|TryExec=$here/modeller|" \
    "$here/share/applications/modeller.desktop" > "$data/applications/modeller.desktop"
cp "$here/share/mime/packages/modeller.xml" "$data/mime/packages/modeller.xml"
(cd "$here/share" && find icons -type f) | while read -r f; do
    mkdir -p "$data/$(dirname "$f")"
    cp "$here/share/$f" "$data/$f"
done
refresh
echo "Modeller added to your applications menu; *.arch.json files now open with it."
echo "Command line: $bin/modeller (add $bin to PATH if it is not there)."
