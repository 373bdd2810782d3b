#!/usr/bin/env python3
"""Writes the update.exe log fixtures of this folder (run it from here).

The lines quoted in ../../../../shared/reference/log-formats.md sections 1.2-1.4
(svcpack.log from KB 822798, KB979309.log, "Update.exe failed 1603.") are used as
written there. The "====" separator, "Started:", "Command line:" and the wrapped
"Message displayed to the user" lines, the FileInUse lines (token from KB 328839,
prefix shape derived) and the restart line are made up for the tests.
"""

kb = """0,000: ========================================================================
0,000: Started: 2010/04/14 (Y/M/D) 10:21:07,125 (local)
0,015: Command line: c:\\8f2a1e\\update\\update.exe
0,031: Hotfix started with following command line:
0,844: [PatchFilesFromResponseBlob] returning STATUS_READY_TO_INSTALL
1,297: [PatchFilesFromResponseBlob] returning STATUS_READY_TO_INSTALL
1,313: KB979309 installation did not complete.
1,313: Update.exe extended error code = 0xf201
1,313: Update.exe return code was masked to 0x643 for MSI custom action compliance.
"""
# comma decimals, LF, one failed run
open('KB979309.log', 'w', newline='').write(kb)

sp = """0.000: ========================================================================
0.000: Started: 2005/06/01 (Y/M/D) 09:00:00.000 (local)
12.345: FileInUse:: Added to Filelist: C:\\Program Files\\Exchsrvr\\bin\\store.exe
940.344: DoInstallation:MyInstallCatalogFiles  failed:STR_CATALOG_INSTALL_FAILED
955.125: DoInstallation: Failed to unregistering spuninst.exe for recovery.
962.656: DeRegistering the Uninstall Program -> Windows Server 2003 Service Pack, 0
1448.406: Message displayed to the user: Failed to install catalog files.
1448.406: User Input: OK
1448.406: Update.exe extended error code = 0xf01e
1448.406: Update.exe return code was masked to 0x643 for MSI custom action compliance.
0.000: ========================================================================
0.000: Started: 2005/06/02 (Y/M/D) 08:00:00.000 (local)
3.500: Message displayed to the user: Setup could not replace a file
that is in use; it will be replaced when the computer restarts.

5.000: FileInUse:: Added to Filelist: C:\\WINDOWS\\system32\\inetsrv\\w3svc.dll
5.001: FileInUse:: Added to Filelist: C:\\WINDOWS\\system32\\msv1_0.dll
725.583: A restart is required to complete the installation.
725.600: Update.exe extended error code = 0x0
"""
# CRLF, two runs: a failed one, then one that restarts at 0.000 and succeeds
open('svcpack.log', 'w', newline='').write(sp.replace('\n', '\r\n'))

u16 = """1.000: Update.exe started
2.500: FileInUse:: Added to Filelist: C:\\Program Files\\Exchsrvr\\bin\\mad.exe
900.000: Update.exe failed 1603.
0.500: Update.exe started
4.250: Update.exe extended error code = 0x0
"""
# UTF-16LE with BOM, CRLF; the elapsed time goes backwards: a second run
open('KB_utf16.log', 'wb').write(b'\xff\xfe' + u16.replace('\n', '\r\n').encode('utf-16-le'))

pl = """0.000: ========================================================================
1.100: Komunikat wyświetlony użytkownikowi: Nie można zastąpić pliku, który jest używany.
1.200: FileInUse:: Added to Filelist: C:\\Program Files\\Exchsrvr\\bin\\zażółć.dll
2.000: KB831464 installation did not complete.
2.000: Update.exe extended error code = 0xf201
"""
# Windows-1250 with Polish text, LF
open('KB_cp1250.log', 'wb').write(pl.encode('cp1250'))
