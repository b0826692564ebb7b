#!/usr/bin/env bash
# Release check: build the .deb, install it with apt, run `tandem self-test` from the installed location
# with no network and no source tree in sight, then uninstall. Needs root (apt, unshare).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then echo "run as root (apt-get install and unshare need it)" >&2; exit 1; fi
installers/linux/build.sh
deb=$(ls -t build/tandem_*.deb | head -n 1)
echo "==> Installing $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
trap 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq tandem >/dev/null' EXIT
home=$(mktemp -d)
echo "==> tandem self-test (installed, offline, outside the source tree)"
t0=$(date +%s.%N)
( cd / && env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 unshare --net /usr/bin/tandem self-test )
t1=$(date +%s.%N)
echo "self-test time: $(echo "$t1 - $t0" | bc) s"
test "$(readlink -f /usr/bin/tandem)" = /opt/tandem/tandem
