; Kiosk counter for Windows 10/11: installs the PyInstaller one-folder bundle (installer/kiosk.spec builds
; dist\kiosk\kiosk.exe), a Start-menu entry and a Scheduled Task that starts it at the kiosk user's logon and
; again after a crash. Compile with Inno Setup 6.3 or newer: iscc installer\windows\kiosk.iss
; (installer/windows/build-windows.md). tests/test_installer_files.py keeps the names below equal to the
; spec's and the version to pyproject.toml's.

#define AppName "Kiosk"
#define AppVersion "0.1.0"
; PyInstaller's COLLECT(name=...) folder and EXE(name=...) in installer/kiosk.spec.
#define BundleDir "..\..\dist\kiosk"
#define AppExe "kiosk.exe"
#define ConsoleExe "kiosk-console.exe"
; One name for creating, replacing and deleting the task.
#define TaskName "Kiosk\Counter"

[Setup]
; Fixed for good: Windows knows an installation (upgrades, uninstall) by it.
AppId={{5B0E2C4A-7D7E-4E43-9A4B-3F2E8C1D6A90}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Public rental housing centre
AppVerName={#AppName} {#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Program Files and a task for another account need an administrator.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=kiosk-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
; A running kiosk is closed before its files are replaced (the task is stopped first, PrepareToInstall).
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\公租房登记窗口 (Kiosk)"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "Public rental housing registration counter"

[Registry]
; The account the task runs for, read back by the uninstaller (CurUninstallStepChanged).
Root: HKLM; Subkey: "Software\{#AppName}"; ValueType: string; ValueName: "KioskUser"; ValueData: "{code:KioskUser}"; Flags: uninsdeletekey

[Run]
; Created only if the installed copy passes its self-check (ReadyToSchedule), as install-linux.sh does.
Filename: "{sys}\schtasks.exe"; Parameters: "/Create /TN ""{#TaskName}"" /XML ""{tmp}\kiosk-task.xml"" /F"; Flags: runhidden waituntilterminated; StatusMsg: "Scheduling Kiosk at the kiosk user's logon..."; Check: ReadyToSchedule

[UninstallRun]
Filename: "{sys}\schtasks.exe"; Parameters: "/End /TN ""{#TaskName}"""; Flags: runhidden waituntilterminated; RunOnceId: "EndKioskTask"
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /TN ""{#TaskName}"" /F"; Flags: runhidden waituntilterminated; RunOnceId: "DeleteKioskTask"
; A copy started from the Start menu holds its files too. Registrations are committed as they are made.
Filename: "{sys}\taskkill.exe"; Parameters: "/F /IM {#AppExe}"; Flags: runhidden waituntilterminated; RunOnceId: "StopKiosk"

[Code]
var
  UserPage: TInputQueryWizardPage;
  Scheduled: Integer; { 0: not decided yet, 1: self-check passed, 2: failed }
  UninstallUser: String;

procedure InitializeWizard;
var
  Given: String;
begin
  UserPage := CreateInputQueryPage(wpSelectDir, 'Kiosk user',
    'Which Windows account runs the counter?',
    'Kiosk starts when this account signs in, and again within a minute if it stops. ' +
    'Its data stays in that account''s %LOCALAPPDATA%\Kiosk.');
  UserPage.Add('Account (user or DOMAIN\user):', False);
  { /KIOSKUSER=name on the command line (silent installs), else the previous answer (upgrades), else the
    account running setup. }
  Given := ExpandConstant('{param:KIOSKUSER}');
  if Given = '' then
    Given := GetPreviousData('KioskUser', GetUserNameString);
  UserPage.Values[0] := Given;
end;

procedure RegisterPreviousData(PreviousDataKey: Integer);
begin
  SetPreviousData(PreviousDataKey, 'KioskUser', UserPage.Values[0]);
end;

function NextButtonClick(CurPageID: Integer): Boolean;
begin
  Result := True;
  if (CurPageID = UserPage.ID) and (Trim(UserPage.Values[0]) = '') then
  begin
    MsgBox('Enter the account that runs the counter.', mbError, MB_OK);
    Result := False;
  end;
end;

function KioskUser(Param: String): String;
begin
  Result := Trim(UserPage.Values[0]);
end;

function PrepareToInstall(var NeedsRestart: Boolean): String;
var
  Code: Integer;
begin
  { An upgrade: the task would start the old copy again while its files are replaced. /Create /F enables it again. }
  Exec(ExpandConstant('{sys}\schtasks.exe'), '/End /TN "{#TaskName}"', '', SW_HIDE, ewWaitUntilTerminated, Code);
  Exec(ExpandConstant('{sys}\schtasks.exe'), '/Change /TN "{#TaskName}" /DISABLE', '', SW_HIDE, ewWaitUntilTerminated, Code);
  Result := '';
end;

function XmlEscape(S: String): String;
begin
  Result := S;
  StringChangeEx(Result, '&', '&amp;', True);
  StringChangeEx(Result, '<', '&lt;', True);
  StringChangeEx(Result, '>', '&gt;', True);
end;

{ The task: at the user's logon, in the user's session, at normal priority, never stopped for running long.
  RestartOnFailure covers a start that fails, not reliably a program that ran and then crashed (an exit code is
  a result to Task Scheduler, not a failure of the task); the trigger repeating every minute with IgnoreNew
  starts the program again after it exits or crashes, and does nothing while it runs. }
function WriteTaskXml: Boolean;
var
  User, App: String;
  Xml: TArrayOfString;
begin
  User := XmlEscape(KioskUser(''));
  App := XmlEscape(ExpandConstant('{app}'));
  SetArrayLength(Xml, 1);
  Xml[0] :=
    '<?xml version="1.0" encoding="UTF-8"?>' + #13#10 +
    '<Task version="1.3" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">' + #13#10 +
    '  <RegistrationInfo><Description>Kiosk registration counter</Description></RegistrationInfo>' + #13#10 +
    '  <Triggers>' + #13#10 +
    '    <LogonTrigger>' + #13#10 +
    '      <Enabled>true</Enabled>' + #13#10 +
    '      <UserId>' + User + '</UserId>' + #13#10 +
    '      <Repetition><Interval>PT1M</Interval><StopAtDurationEnd>false</StopAtDurationEnd></Repetition>' + #13#10 +
    '    </LogonTrigger>' + #13#10 +
    '  </Triggers>' + #13#10 +
    '  <Principals>' + #13#10 +
    '    <Principal id="Author">' + #13#10 +
    '      <UserId>' + User + '</UserId>' + #13#10 +
    '      <LogonType>InteractiveToken</LogonType>' + #13#10 +
    '      <RunLevel>LeastPrivilege</RunLevel>' + #13#10 +
    '    </Principal>' + #13#10 +
    '  </Principals>' + #13#10 +
    '  <Settings>' + #13#10 +
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>' + #13#10 +
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>' + #13#10 +
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>' + #13#10 +
    '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>' + #13#10 +
    '    <Priority>5</Priority>' + #13#10 +
    '    <RestartOnFailure><Interval>PT1M</Interval><Count>3</Count></RestartOnFailure>' + #13#10 +
    '    <IdleSettings><StopOnIdleEnd>false</StopOnIdleEnd><RestartOnIdle>false</RestartOnIdle></IdleSettings>' + #13#10 +
    '    <Enabled>true</Enabled>' + #13#10 +
    '  </Settings>' + #13#10 +
    '  <Actions Context="Author">' + #13#10 +
    '    <Exec><Command>"' + App + '\{#AppExe}"</Command><WorkingDirectory>' + App + '</WorkingDirectory></Exec>' + #13#10 +
    '  </Actions>' + #13#10 +
    '</Task>';
  Result := SaveStringsToUTF8File(ExpandConstant('{tmp}\kiosk-task.xml'), Xml, False);
end;

{ kiosk --self-check on the installed copy (a cache in a temporary folder, a slip, the font, a line spoken to
  nothing); the task is created only if it passes. }
function ReadyToSchedule: Boolean;
var
  Code: Integer;
  Report: String;
  Lines: TArrayOfString;
  I: Integer;
begin
  if Scheduled = 0 then
  begin
    Scheduled := 2;
    Report := ExpandConstant('{tmp}\self-check.txt');
    if Exec(ExpandConstant('{cmd}'),
        '/C set QT_QPA_PLATFORM=offscreen&& "' + ExpandConstant('{app}\{#ConsoleExe}') + '" --self-check > "' + Report + '" 2>&1',
        ExpandConstant('{app}'), SW_HIDE, ewWaitUntilTerminated, Code) and (Code = 0) and WriteTaskXml then
      Scheduled := 1;
    if LoadStringsFromFile(Report, Lines) then
      for I := 0 to GetArrayLength(Lines) - 1 do
        Log('self-check: ' + Lines[I]);
    if Scheduled = 2 then
    begin
      if GetArrayLength(Lines) > 0 then
        Report := Lines[GetArrayLength(Lines) - 1]
      else
        Report := 'no report (exit code ' + IntToStr(Code) + ')';
      SuppressibleMsgBox('Kiosk did not pass its self-check, so it will not start at logon:' + #13#10#13#10 +
        Report + #13#10#13#10 + 'Fix the cause and run this setup again (the setup log has the whole report).',
        mbError, MB_OK, IDOK);
    end;
  end;
  Result := Scheduled = 1;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Data: String;
begin
  if CurUninstallStep = usUninstall then
    RegQueryStringValue(HKLM, 'Software\{#AppName}', 'KioskUser', UninstallUser);
  if CurUninstallStep <> usPostUninstall then
    Exit;
  { The counter's cache (registrations not yet sent among them), slips and settings are kept unless the kiosk
    user, uninstalling as themselves, says otherwise; a silent uninstall keeps them. }
  Data := ExpandConstant('{localappdata}\{#AppName}');
  if SameText(UninstallUser, GetUserNameString) and DirExists(Data) then
  begin
    if SuppressibleMsgBox('Also delete this counter''s data (' + Data + ' and its settings)?' + #13#10#13#10 +
        'Registrations not yet sent to the centre would be lost.', mbConfirmation, MB_YESNO or MB_DEFBUTTON2,
        IDNO) = IDYES then
    begin
      DelTree(Data, True, True, True);
      DelTree(ExpandConstant('{userappdata}\{#AppName}'), True, True, True);
    end;
  end
  else if UninstallUser <> '' then
    SuppressibleMsgBox('The counter''s data stays in ' + UninstallUser + '''s %LOCALAPPDATA%\{#AppName} and ' +
      '%APPDATA%\{#AppName}; delete them there once the centre has every registration.', mbInformation, MB_OK, IDOK);
end;
