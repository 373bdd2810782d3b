#!/usr/bin/env python3
"""Writes the Exchange setup log fixtures of this folder (run it from here).

Line shapes follow ../../../../shared/reference/log-formats.md section 2 and
setup-log-known-issues.md section 4. Lines quoted there (the 2013+ banner, version,
mode, backup/installed version, ERROR-REFERENCE and verdict lines, the 2007 start
lines, the 2000/2003 blog and KB 822583 frames, the 5.5 Q202258/Q177221/Q248425 texts)
are used as written there; the rest (the 2000/2003 run banners, the c1037b44 frame,
the Polish texts, the clock jumps) is made up for the tests.
"""

B = "**********************************************"
# 1. Exchange 2016 log, UTF-8, LF, two runs: a failed one and a successful one.
r1 = [
 ("03/11/2021 15:43:05.0713", 0, B),
 ("03/11/2021 15:43:05.0718", 0, "Starting Microsoft Exchange Server 2016 Setup"),
 ("03/11/2021 15:43:05.0718", 0, B),
 ("03/11/2021 15:43:05.0720", 0, "Local time zone: (UTC-06:00) Central Time (US & Canada)."),
 ("03/11/2021 15:43:05.0721", 0, "Setup version: 15.1.2106.2."),
 ("03/11/2021 15:43:05.0722", 0, "Logged on user: SOLO\\Han."),
 ("03/11/2021 15:43:05.0741", 0, "Command Line Parameter Name='mode', Value='Upgrade'."),
 ("03/11/2021 15:43:05.0741", 0, "Command Line Parameter Name='IAcceptExchangeServerLicenseTerms', Value=''."),
 ("03/11/2021 15:43:14.0944", 0, "File copy complete.  Setup will now collect additional information needed for installation.\n"),
 ("03/11/2021 15:43:25.0158", 0, "The backup copy of the previously installed version is '15.1.1713.5'."),
 ("03/11/2021 15:43:31.0884", 0, "The locally installed version is 15.1.2106.2."),
 ("03/11/2021 15:50:00.0001", 2, "[WARNING] The command completed successfully but no settings of 'ExSvr1' have been modified."),
 ("03/11/2021 16:01:24.0361", 1, "[ERROR] The following error was generated when \"$error.Clear();\n          Start-SetupService -ServiceName MSExchangeServiceHost\n        \" was run: \"System.ComponentModel.Win32Exception: The service cannot be started, either because it is disabled or because it has no enabled devices associated with it\n   at System.ServiceProcess.ServiceController.Start(String[] args)\"."),
 ("03/11/2021 16:01:24.0362", 1, "[ERROR] Cannot start service MSExchangeServiceHost on computer '.'."),
 ("03/11/2021 16:01:24.0363", 1, "[ERROR-REFERENCE] Id=BridgeheadRoleSetterComponent___115c1108e99e4560bd2c03c0fec99908 Component=EXCHANGE14:\\Current\\Release\\Shared\\Datacenter\\Setup"),
 ("03/11/2021 16:01:24.0363", 1, "Setup is stopping now because of one or more critical errors."),
 ("03/11/2021 16:01:24.0398", 0, "The Exchange Server setup operation didn't complete.  More details can be found in ExchangeSetup.log located in the <SystemDrive>:\\ExchangeSetupLogs folder."),
 ("03/11/2021 16:01:24.0400", 0, "End of Setup"),
 ("03/11/2021 16:01:24.0400", 0, B),
]
r2 = [
 ("03/12/2021 09:00:00.0010", 0, B),
 ("03/12/2021 09:00:00.0015", 0, "Starting Microsoft Exchange Server 2016 Setup"),
 ("03/12/2021 09:00:00.0015", 0, B),
 ("03/12/2021 09:00:00.0020", 0, "Setup version: 15.1.2106.2."),
 ("03/12/2021 09:00:00.0021", 0, "Logged on user: SOLO\\Leia."),
 ("03/12/2021 09:00:00.0040", 0, "Command Line Parameter Name='mode', Value='Upgrade'."),
 ("03/12/2021 09:00:30.0000", 0, "The locally installed version is 15.1.2106.2."),
 ("03/12/2021 09:10:00.0000", 1, "Evaluated [Rule:RebootPending] [HasException:False] [Value:\"False\"] [ParentValue:\"<NULL>\"] [Thread:18] [Duration:00:00:00.0312494]"),
 ("03/12/2021 09:40:00.0000", 0, "The Exchange Server setup operation completed successfully."),
 ("03/12/2021 09:40:00.0001", 0, "End of Setup"),
 ("03/12/2021 09:40:00.0001", 0, B),
]
with open("ExchangeSetup_2016_two_runs.log", "w", newline="") as f:
    for ts, d, m in r1 + r2:
        f.write(f"[{ts}] [{d}] {m}\n")

# 2. Exchange 2007 log: M/d/yyyy h:mm:ss tt, UTF-16LE with BOM, CRLF.
l07 = [
 "[8/3/2007 4:46:12 PM] [0] Starting Microsoft Exchange 2007 Setup",
 "[8/3/2007 4:46:12 PM] [0] Setup version: 8.0.685.24.",
 "[8/3/2007 4:46:12 PM] [0] Command Line Parameter Name='mode', Value='Install'.",
 "[8/3/2007 4:46:13 PM] [1] Executing: ",
 "          $error.Clear();",
 "          install-ExchangeSchema",
 "[8/3/2007 12:05:01 AM] [2] [WARNING] Clock went back to just after midnight.",
 "[8/3/2007 12:30:00 PM] [1] [RECOMENDED] A recommendation the product spells with one M.",
 "[8/3/2007 4:59:59 PM] [0] The Exchange Server setup operation completed successfully.",
 "[8/3/2007 4:59:59 PM] [0] End of Setup",
]
with open("ExchangeSetup_2007_utf16.log", "wb") as f:
    f.write(b"\xff\xfe" + "\r\n".join(l07).encode("utf-16-le") + "\r\n".encode("utf-16-le"))

# 3. Exchange 2019 log in Windows-1250 with Polish text, CRLF; a prerequisite failure.
lpl = [
 "[02/14/2022 08:15:00.0100] [0] Starting Microsoft Exchange Server 2019 Setup",
 "[02/14/2022 08:15:00.0110] [0] Setup version: 15.2.986.5.",
 "[02/14/2022 08:15:00.0120] [0] Logged on user: FIRMA\\Łukasz.Żółkiewski.",
 "[02/14/2022 08:15:00.0130] [0] Command Line Parameter Name='mode', Value='Upgrade'.",
 "[02/14/2022 08:15:00.0140] [0] Command Line Parameter Name='sourcedir', Value='D:\\Instalki\\Źródła'.",
 "[02/14/2022 08:15:20.0000] [0] The locally installed version is 15.2.922.7.",
 "[02/14/2022 08:16:00.0000] [1] Failed [Rule:RebootPending] [Message:Zmiana wymaga ponownego uruchomienia komputera.]",
 "[02/14/2022 08:16:00.0001] [1] [REQUIRED] Zmiana wymaga ponownego uruchomienia komputera.",
 "[02/14/2022 08:16:01.0000] [0] The Exchange Server setup operation didn't complete.  More details can be found in ExchangeSetup.log located in the <SystemDrive>:\\ExchangeSetupLogs folder.",
 "[02/14/2022 08:16:01.0001] [0] End of Setup",
]
with open("ExchangeSetup_2019_cp1250.log", "wb") as f:
    f.write(("\r\n".join(lpl) + "\r\n").encode("cp1250"))

# 4. Exchange 2000/2003 progress log, ANSI, CRLF, crossing midnight, two runs.
p = [
 "[23:58:10] ************** Beginning Setup run **************",
 "[23:58:10] Setup.exe version is 6.5.7638.1",
 "[23:58:11] Entering CAtomServices::ScStopAtomServices",
 "[23:58:11]  CService::ScGetStatus (f:\\titanium\\admin\\src\\libs\\exsetup\\service.cxx:722)",
 "           Error code 0XC0070424 (1060): The specified service does not exist as an installed service.",
 "[23:58:11]  CService::ScIsStartedOrStopped (f:\\titanium\\admin\\src\\libs\\exsetup\\service.cxx:760)",
 "           Error code 0XC0070424 (1060): The specified service does not exist as an installed service.",
 "[23:58:11] === IGNORING PREVIOUS ERRORS === CServiceManager::ScStopService",
 "(f:\\titanium\\admin\\src\\udog\\setupbase\\tools\\svcmgr.cxx:537)",
 "           The operation has completed successfully.",
 "[23:59:59] Leaving CAtomServices::ScStopAtomServices",
 "[00:00:05]",
 "Prerequisites for Microsoft Exchange Instant Messaging Service failed: the component cannot be assigned the action \"Install\".",
 "[00:58:15] \tEntering CInsParser::ScProcessFile",
 "[00:59:17] \tProcess has exited with 0x000005",
 "[00:59:17] \tThe command regsvr32.exe /i /n /s maildsmx.dll failed, returning error code 5 (Access is denied.). -- ID:31136 --",
 "\t\tScCreateProcess (f:\\titanium\\admin\\src\\libs\\exsetup\\hiddenw1.cxx:1821)",
 "           \tError code 0XC103798A (31114): An internal component has failed.",
 "[00:59:17]  \tCInsParser::ScProcessLine (f:\\titanium\\admin\\src\\libs\\exsetup\\hiddenw1.cxx:1225)",
 "           \tError code 0XC103798A (31114): An internal component has failed.",
 "[01:00:00] ************** End of Setup run **************",
 "[09:15:00] ************** Beginning Setup run **************",
 "[09:15:02] Entering CBaseServiceAtom::ScCheckVersion",
 "[09:15:03]  CAtomServer::ScCheckClusterVersion (f:\\titanium\\admin\\src\\libs\\exsetup\\atomserver.cxx:1500)",
 "           Error code 0XC1037B44 (31556): The version of Exchange on this computer is incompatible with the version on server NODE2.",
 "[09:15:04] Setup failed; see the errors above.",
]
with open("Exchange Server Setup Progress.log", "wb") as f:
    f.write(("\r\n".join(p) + "\r\n").encode("cp1252"))

# 5. Exchange 5.5 setup log, single-byte, CRLF, two appended runs.
s = [
 "++++ Microsoft Exchange Setup initialized ++++",
 "Interpreting line <AddShare:.;Resources;%s\\res;READ;\"Event logging\">",
 "Bound to local DSA",
 "Bound to appropriate DSA",
 "",
 "++++ Microsoft Exchange Setup initialized ++++",
 "Could not open the file named 'C:\\EXCHSRVR\\BIN\\ADDRESS.DLL'. It is in use by another application.",
 "Microsoft Exchange Server Setup ID no: c1030b3a",
]
with open("Exchange Server Setup.log", "wb") as f:
    f.write(("\r\n".join(s) + "\r\n").encode("cp1252"))
