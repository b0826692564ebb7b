# Builds Tandem for Windows: virtual environment, PyInstaller bundle, Inno Setup installer.
# Requirements: Python 3.11+ (python.org installer, "py" launcher), Inno Setup 6 (ISCC.exe on PATH or in
# its default folder). Run from a PowerShell prompt in the repository root:
#   powershell -ExecutionPolicy Bypass -File installers\windows\build.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

if (-not (Test-Path ".venv\Scripts\python.exe")) { py -3.11 -m venv .venv }
$py = ".venv\Scripts\python.exe"
& $py -m pip install --upgrade pip
& $py -m pip install -e ".[dev]" "pyinstaller>=6.6"
# faster-whisper and piper pull in plain onnxruntime; keep exactly one onnxruntime build (the GPU one).
& $py -m pip uninstall -y onnxruntime
& $py -m pip install --force-reinstall --no-deps "onnxruntime-gpu>=1.18"

New-Item -ItemType Directory -Force build | Out-Null
& $py installers\licenses.py | Out-File -Encoding utf8 build\THIRD_PARTY_LICENSES.txt
& .venv\Scripts\pyinstaller.exe installers\tandem.spec --noconfirm --distpath build\dist --workpath build\work
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
& build\dist\tandem\tandem.exe self-test
if ($LASTEXITCODE -ne 0) { throw "the bundled self-test failed" }

$version = & $py -c "import app; print(app.__version__)"
$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $iscc)) { throw "Inno Setup 6 not found: install it from https://jrsoftware.org/isinfo.php" }
& $iscc "/DAppVersion=$version" installers\windows\tandem.iss
if ($LASTEXITCODE -ne 0) { throw "ISCC failed" }

# Optional signing: set TANDEM_SIGN_CERT (path to a .pfx) and TANDEM_SIGN_PASSWORD.
if ($env:TANDEM_SIGN_CERT) {
  signtool sign /f $env:TANDEM_SIGN_CERT /p $env:TANDEM_SIGN_PASSWORD /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 "build\installer\TandemSetup-$version.exe"
}
Write-Host "Installer: build\installer\TandemSetup-$version.exe"
