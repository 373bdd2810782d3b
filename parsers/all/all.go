// Package all registers every log parser extriage has; import it for its
// side effect.
package all

import (
	_ "github.com/extriage/extriage/parsers/evexport"  // Event Viewer text and CSV exports
	_ "github.com/extriage/extriage/parsers/evt"       // legacy Windows event logs
	_ "github.com/extriage/extriage/parsers/evtx"      // Windows Vista+ event logs
	_ "github.com/extriage/extriage/parsers/exserver"  // Get-ExchangeServer output
	_ "github.com/extriage/extriage/parsers/msilog"    // Windows Installer verbose logs
	_ "github.com/extriage/extriage/parsers/setuplog"  // Exchange setup logs
	_ "github.com/extriage/extriage/parsers/updatelog" // update.exe hotfix logs
)
