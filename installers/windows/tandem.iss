; Inno Setup script for Tandem on Windows (64-bit). Build the bundle first with build.ps1, which then
; calls ISCC on this file. Output: build\installer\TandemSetup-<version>.exe
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define BundleDir "..\..\build\dist\tandem"

[Setup]
AppId={{6C1B8E52-3F0A-4C55-9D8E-7A4E8B1D2C31}
AppName=Tandem
AppVersion={#AppVersion}
AppPublisher=Tandem
DefaultDirName={autopf}\Tandem
DefaultGroupName=Tandem
OutputDir=..\..\build\installer
OutputBaseFilename=TandemSetup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\..\LICENSE
SetupIconFile=..\..\assets\icons\tandem.ico
UninstallDisplayIcon={app}\tandem.exe
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "autostart"; Description: "Start Tandem when I sign in (the hotkey works right away)"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\..\build\THIRD_PARTY_LICENSES.txt"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{group}\Tandem"; Filename: "{app}\tandem.exe"; Parameters: "gui"
Name: "{group}\Tandem self-test"; Filename: "{app}\tandem.exe"; Parameters: "self-test"
Name: "{group}\{cm:UninstallProgram,Tandem}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Tandem"; Filename: "{app}\tandem.exe"; Parameters: "gui"; Tasks: desktopicon
Name: "{userstartup}\Tandem"; Filename: "{app}\tandem.exe"; Parameters: "gui"; Tasks: autostart

[Run]
Filename: "{app}\tandem.exe"; Parameters: "self-test"; Description: "Check that Tandem works"; Flags: postinstall runhidden skipifsilent unchecked
Filename: "{app}\tandem.exe"; Parameters: "gui"; Description: "{cm:LaunchProgram,Tandem}"; Flags: postinstall nowait skipifsilent
