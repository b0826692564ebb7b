#!/usr/bin/env bash
# Builds the one-folder bundle with PyInstaller, then a .deb (desktop entry, icon, /usr/bin/tandem).
# Output: build/tandem_<version>_<arch>.deb. Run from anywhere; needs the set-up `make run` does.
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
scripts/setup.sh
.venv/bin/python -m pip install -q "pyinstaller>=6.6"
mkdir -p build
.venv/bin/python installers/licenses.py > build/THIRD_PARTY_LICENSES.txt
echo "==> Bundling with PyInstaller"
.venv/bin/pyinstaller installers/tandem.spec --noconfirm --log-level WARN --distpath build/dist --workpath build/work
t1=$(date +%s)

version=$(.venv/bin/python -c 'import app; print(app.__version__)')
arch=$(dpkg --print-architecture)
stage=build/deb/tandem_${version}_${arch}
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt/tandem" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/icons/hicolor/256x256/apps" "$stage/usr/share/doc/tandem"
cp -a build/dist/tandem/. "$stage/opt/tandem/"
ln -s /opt/tandem/tandem "$stage/usr/bin/tandem"
cp installers/linux/tandem.desktop "$stage/usr/share/applications/tandem.desktop"
cp assets/icons/tandem.png "$stage/usr/share/icons/hicolor/256x256/apps/tandem.png"
cp LICENSE "$stage/usr/share/doc/tandem/copyright"
cp build/THIRD_PARTY_LICENSES.txt "$stage/usr/share/doc/tandem/THIRD_PARTY_LICENSES.txt"
size_kb=$(du -sk "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: tandem
Version: ${version}
Architecture: ${arch}
Maintainer: Tandem <tandem@localhost>
Installed-Size: ${size_kb}
Depends: libportaudio2, libasound2, libegl1, libgl1, libfontconfig1, libdbus-1-3, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libxcb-randr0, libxcb-render-util0, libxcb-image0, libxcb-xinerama0
Recommends: pulseaudio | pipewire-pulse
Section: sound
Priority: optional
Homepage: https://localhost/tandem
Description: desktop voice-and-vision assistant that runs on your machine
 Talk to Tandem the way you talk to a person: it listens while it speaks,
 can be interrupted, waits through your pauses and can look through the
 camera. Speech recognition, speech synthesis and the language model run
 locally; nothing is sent anywhere unless you configure a server.
CONTROL
deb=build/tandem_${version}_${arch}.deb
echo "==> Packing $deb"
dpkg-deb --build --root-owner-group -Zzstd -z6 "$stage" "$deb" >/dev/null
t2=$(date +%s)
echo "bundle: $(du -sh build/dist/tandem | cut -f1), deb: $(du -h "$deb" | cut -f1), bundle time $((t1 - t0)) s, total build time $((t2 - t0)) s"
