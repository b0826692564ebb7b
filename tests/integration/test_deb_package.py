import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_deb_builds_installs_self_tests_offline_and_uninstalls():
    if os.geteuid() != 0 or shutil.which("dpkg-deb") is None or shutil.which("apt-get") is None:
        pytest.skip("needs root on a Debian/Ubuntu machine")
    proc = subprocess.run(["bash", "installers/linux/test-deb.sh"], cwd=ROOT, capture_output=True, text=True,
                          timeout=1800)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "self-test passed" in proc.stdout
    assert "bundle:" in proc.stdout and "deb:" in proc.stdout
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "tandem"], capture_output=True, text=True)
    assert "install ok installed" not in status.stdout  # uninstalled again
