; Inno Setup script: installs the one-folder PyInstaller build of embviz on Windows, adds a
; Start-menu shortcut and associates the vector file types with embviz.
; Build the folder first (see packaging/README.md), then:  iscc /DFlavour=lite packaging\embviz.iss

#ifndef Flavour
  #define Flavour "lite"
#endif
#define AppName "embviz"
#define AppVersion "0.1.0"
#define SourceDir "..\dist\embviz-" + Flavour

[Setup]
AppId={{5B0C3E62-8D6F-4C1A-9E55-6C2B1F3A7E10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=embviz developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
OutputBaseFilename=embviz-{#AppVersion}-{#Flavour}-setup
SetupIconFile=..\resources\icons\embviz.ico
UninstallDisplayIcon={app}\embviz.exe
ChangesAssociations=yes
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\embviz.exe"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"

[Registry]
; One ProgID; each extension points to it. "Open with" lists embviz for all of them.
Root: HKA; Subkey: "Software\Classes\embviz.vectors"; ValueType: string; ValueName: ""; ValueData: "Embedding vectors"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\embviz.vectors\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\embviz.exe,0"
Root: HKA; Subkey: "Software\Classes\embviz.vectors\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\embviz.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.vec\OpenWithProgids"; ValueType: string; ValueName: "embviz.vectors"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.w2v\OpenWithProgids"; ValueType: string; ValueName: "embviz.vectors"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.npy\OpenWithProgids"; ValueType: string; ValueName: "embviz.vectors"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.npz\OpenWithProgids"; ValueType: string; ValueName: "embviz.vectors"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.kv\OpenWithProgids"; ValueType: string; ValueName: "embviz.vectors"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.bin\OpenWithProgids"; ValueType: string; ValueName: "embviz.vectors"; ValueData: ""; Flags: uninsdeletevalue

[Run]
Filename: "{app}\embviz.exe"; Description: "Start embviz"; Flags: nowait postinstall skipifsilent
