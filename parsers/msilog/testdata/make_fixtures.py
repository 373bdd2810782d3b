# Writes the msilog test fixtures from the texts below (run from testdata/).
# The Polish message texts in install-fail-pl.log ("Produkt: ... -- Błąd")
# are modelled on the English ones; they are not copied from a real log.
import codecs

fail_en = [
"=== Verbose logging started: 12/3/2015  23:59:50  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===",
"MSI (c) (3C:50) [23:59:50:121]: Resetting cached policy values",
"MSI (c) (3C:50) [23:59:50:121]: Machine policy value 'Debug' is 0",
"MSI (c) (3C:50) [23:59:51:002]: Doing action: INSTALL",
"Action start 23:59:51: INSTALL.",
"MSI (s) (54:94) [23:59:58:500]: Note: 1: 2203 2: C:\\Windows\\Installer\\33502bc.msp 3: -2147287038",
"MSI (s) (54:94) [23:59:58:510]: Couldn't find local patch 'C:\\Windows\\Installer\\33502bc.msp'. Looking for it at its source.",
"MSI (s) (54:94) [23:59:59:990]: Note: 1: 2205 2:  3: Error",
"Info 1603. The file C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Bin\\Microsoft.Exchange.Store.Worker.exe is being held in use",
"by the following process: Name: Microsoft.Exchange.Store.Worker, Id: 4242, Window Title: '(not determined yet)'.",
"MSI (s) (54:94) [00:00:02:010]: RESTART MANAGER: Detected that application with id 5120, friendly name 'MSExchangeIS', of type 3 and status 1 holds file[s] in use.",
"Info 1903.Scheduling reboot operation: Deleting file C:\\Config.Msi\\5e2a1.rbf. Must",
"reboot to complete operation.",
"MSI (s) (54:94) [00:00:03:000]: Doing action: InstallExecute",
"Action start 0:00:03: InstallExecute.",
"MSI (s) (54!70) [00:00:05:738]: Product: Microsoft Exchange Server -- Error 1603. There is a problem with this Windows Installer package.",
"DEBUG: Error 2826:  Control Line1 on dialog SetupDialog extends beyond the boundaries of the dialog.",
"06/22/10 00:00:05 DDSet_Exit: InstallAssembly ended with return value 1603",
"MSI (s) (54:94) [00:00:06:001]: CustomAction CA_StopServices returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)",
"Action ended 0:00:06: InstallExecute. Return value 3.",
"MSI (s) (54:94) [00:00:06:758]: User policy value 'DisableRollback' is 0",
"Property(S): ReplacedInUseFiles = 1",
"Property(S): ProductName = Microsoft Exchange Server",
"MSI (s) (54:94) [00:00:07:100]: Windows Installer requires a system restart.",
"Product Name: Microsoft Exchange Server. Type of System Restart: 1. Reason for Restart: 1.",
"MSI (s) (54:94) [00:00:07:300]: Product: Microsoft Exchange Server -- Installation operation failed.",
"MSI (s) (54:94) [00:00:07:310]: Windows Installer reconfigured the product. Product Name: Microsoft Exchange Server. Product Version: 15.1.2507.6. Product Language: 1033. Manufacturer: Microsoft Corporation. Reconfiguration success or error status: 1603.",
"Action ended 0:00:08: INSTALL. Return value 3.",
"MSI (c) (3C:50) [00:00:08:500]: MainEngineThread is returning 1603",
"=== Verbose logging stopped: 12/4/2015  0:00:08 ===",
]

fail_pl = [
"=== Verbose logging started: 23.05.2018  14:10:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Instalacja\\Exchange\\Setup.exe ===",
"MSI (s) (1C:28) [14:10:01:100]: Doing action: InstallFiles",
"Action start 14:10:01: InstallFiles.",
"Property(S): ProductName = Usługi Exchange — wersja próbna",
"MSI (s) (1C:28) [14:10:02:200]: Produkt: Usługi Exchange — wersja próbna -- Błąd 1603. Wystąpił błąd krytyczny podczas instalacji.",
"Action ended 14:10:02: InstallFiles. Return value 3.",
"MSI (c) (2A:3B) [14:10:03:000]: MainEngineThread is returning 1603",
"=== Verbose logging stopped: 23.05.2018  14:10:03 ===",
]

ok_nobom = [
"=== Verbose logging started: 08-03-2021  9:05:00  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\Windows\\system32\\msiexec.exe ===",
"MSI (c) (10:14) [09:05:00:100]: Resetting cached policy values",
"Action start 9:05:01: INSTALL.",
"SFXCA: Extracting custom action to temporary directory: C:\\Windows\\Installer\\MSI1234.tmp-\\",
"Action ended 9:05:09: INSTALL. Return value 1.",
"MSI (s) (20:24) [09:05:09:900]: Windows Installer installed the product. Product Name: Sample Tool. Product Version: 1.2.3. Product Language: 1033. Manufacturer: Contoso. Installation success or error status: 0.",
"MSI (c) (10:14) [09:05:10:000]: MainEngineThread is returning 0",
"=== Verbose logging stopped: 08-03-2021  9:05:10 ===",
]

def write(name, lines, enc, eol, bom):
    text = eol.join(lines) + eol
    if enc == "utf-16-le":
        data = (codecs.BOM_UTF16_LE if bom else b"") + text.encode("utf-16-le")
    else:
        data = text.encode(enc)
    open(name, "wb").write(data)

write("install-fail-en.log", fail_en, "utf-16-le", "\r\n", True)
write("install-fail-pl.log", fail_pl, "cp1250", "\r\n", False)
write("install-ok-nobom.log", ok_nobom, "utf-16-le", "\n", False)
