#!/usr/bin/env bash
# Builds Tandem.app and a .dmg on macOS (arm64 or x86_64). Signing and notarization use identities from
# the environment, so no secret lives in the repository:
#   TANDEM_CODESIGN_IDENTITY  "Developer ID Application: Name (TEAMID)"  (unset: ad-hoc signature)
#   TANDEM_NOTARY_PROFILE     a keychain profile made with `xcrun notarytool store-credentials` (optional)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# On macOS pyproject.toml selects plain onnxruntime (there is no onnxruntime-gpu wheel).
.venv/bin/python -m pip install -q -e '.[dev]' "pyinstaller>=6.6"
mkdir -p build
.venv/bin/python installers/licenses.py > build/THIRD_PARTY_LICENSES.txt
TANDEM_MACOS_APP=1 .venv/bin/pyinstaller installers/tandem.spec --noconfirm --distpath build/dist --workpath build/work
app=build/dist/Tandem.app
"$app/Contents/MacOS/tandem" self-test

identity=${TANDEM_CODESIGN_IDENTITY:--}
codesign --force --deep --options runtime --timestamp \
  --entitlements installers/macos/entitlements.plist --sign "$identity" "$app"
codesign --verify --deep --strict "$app"

version=$(.venv/bin/python -c 'import app; print(app.__version__)')
dmg=build/Tandem-${version}.dmg
rm -f "$dmg"
staging=$(mktemp -d)
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
hdiutil create -volname "Tandem" -srcfolder "$staging" -ov -format UDZO "$dmg"
if [ "$identity" != "-" ]; then codesign --sign "$identity" --timestamp "$dmg"; fi
if [ -n "${TANDEM_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$dmg" --keychain-profile "$TANDEM_NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
fi
echo "Built $dmg"
