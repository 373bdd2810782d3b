package detectors

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/setuplog"
)

// parseSetup parses a setup log with the real parser.
func parseSetup(t *testing.T, path string, data []byte) []*parsers.Record {
	t.Helper()
	var recs []*parsers.Record
	in := parsers.Input{Path: path, R: bytes.NewReader(data), Size: int64(len(data))}
	if err := (setuplog.Parser{}).Parse(context.Background(), in, parsers.Sink{Record: func(r *parsers.Record) bool { recs = append(recs, r); return true }}); err != nil {
		t.Fatal(err)
	}
	return recs
}

// synth writes a small ExchangeSetup.log: a run header, enough lines for
// the run to count, the body, and the end of the run. Body lines that start
// with a space or a tab continue the line before them, as in real logs.
type synth struct {
	mode, setup, local string // defaults: Upgrade, 15.2.1544.4, 15.2.1258.12
	body               []string
	end                string // "fail" (default), "ok" or "none"
}

const (
	failEnd = "The Exchange Server setup operation didn't complete.  More details can be found in ExchangeSetup.log located in the <SystemDrive>:\\ExchangeSetupLogs folder."
	okEnd   = "The Exchange Server setup operation completed successfully."
)

// run returns the lines of one run, stamped from minute m on.
func (s synth) lines(day int) []string {
	mode, setup, local := s.mode, s.setup, s.local
	if mode == "" {
		mode = "Upgrade"
	}
	if setup == "" {
		setup = "15.2.1544.4"
	}
	if local == "" {
		local = "15.2.1258.12"
	}
	var raw []string
	raw = append(raw, "**********************************************",
		"Starting Microsoft Exchange Server 2019 Setup",
		"**********************************************",
		"Local time zone: (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna.",
		"Operating system version: Microsoft Windows NT 6.2.9200.0.",
		"Setup version: "+setup+".",
		"Logged on user: CONTOSO\\admin.",
		"Command Line Parameter Name='mode', Value='"+mode+"'.",
		"The locally installed version is "+local+".")
	for i := 0; i < 30; i++ {
		raw = append(raw, fmt.Sprintf("Setup launched task 'filler-%d'.", i))
	}
	raw = append(raw, s.body...)
	switch s.end {
	case "ok":
		raw = append(raw, okEnd, "End of Setup")
	case "none":
	default:
		raw = append(raw, "Setup is stopping now because of one or more critical errors.", failEnd, "End of Setup")
	}
	var out []string
	for i, l := range raw {
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			out = append(out, l)
			continue
		}
		out = append(out, fmt.Sprintf("[03/%02d/2021 10:%02d:%02d.0%03d] [1] %s", day, (i/60)%60, i%60, i%1000, l))
	}
	return out
}

func (s synth) bytes() []byte { return []byte(strings.Join(s.lines(11), "\n") + "\n") }

func evalLine(kind, name, value string) string {
	return fmt.Sprintf(`Evaluated [%s:%s] [HasException:False] [Value:"%s"] [ParentValue:"<NULL>"] [Thread:6] [Duration:00:00:00.0156533]`, kind, name, value)
}

// errCtx wraps lines as the end of a failed task: the lines, then the
// ERROR-REFERENCE line.
func errCtx(id string, lines ...string) []string {
	if id == "" {
		id = "UnifiedMessagingComponent___99d8be02cb8d413eafc6ff15e437e13d"
	}
	return append(lines, "[ERROR-REFERENCE] Id="+id+` Component=EXCHANGE14:\Current\Release\Shared\Datacenter\Setup`)
}

func scanSynth(t *testing.T, s synth, lang Lang) []Finding {
	t.Helper()
	return scanSetupBytes(t, "ExchangeSetup.log", s.bytes(), lang)
}

type setupCase struct {
	id       string
	pos, neg synth
	values   map[string]string // expected values of the positive finding
	evidence string            // text the positive finding's evidence holds
}

func setupCases() []setupCase {
	ev := evalLine
	adErr := `[ERROR] Setup encountered a problem while validating the state of Active Directory: Exchange organization-level objects have not been created, and setup cannot create them because the local computer is not in the same domain and site as the schema master.  Run setup with the /prepareAD parameter on a computer in the domain CONTOSO and site HQ, and wait for replication to complete.  See the Exchange setup log for more information on this error.`
	ldif := `[ERROR] There was an error while running 'ldifde.exe' to import the schema file 'C:\Windows\Temp\ExchangeSetup\Setup\Data\PostExchange2003_schema80.ldf'. The error code is: 8245. More details can be found in the error file: 'C:\Users\admin\AppData\Local\Temp\ldif.err'`
	wko := `[ERROR] The well-known object entry B:32:C262A929D691B74A9E068728F8F842EA:CN=Organization Management\0ADEL:c1b94668-b67b-4231-8e5a-b11ecf5b7838,CN=Deleted Objects,DC=contoso,DC=com on the otherWellKnownObjects attribute in the container object CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com points to an invalid DN or a deleted object.  Remove the entry, and then rerun the task.`
	wrong := `[ERROR] The well-known object entry with the GUID "6c01d2a7f083b14c8b23a5dd0a6e4b5c", which is on the "CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com" container object's otherWellKnownObjects attribute, refers to a group "CN=Exchange Servers,OU=Microsoft Exchange Security Groups,DC=contoso,DC=com" of the wrong group type. Either delete the well-known object entry, or promote the target object to "Universal Security Group".`
	return []setupCase{
		{id: "setup-ad-validation-failed",
			pos:      synth{body: []string{adErr}},
			neg:      synth{body: []string{"[REQUIRED] " + strings.TrimPrefix(adErr, "[ERROR] "), "Failed [Rule:AdInitErrorRule] [Message:" + strings.TrimPrefix(adErr, "[ERROR] ") + "]"}},
			values:   map[string]string{"detail": "Exchange organization-level objects have not been created, and setup cannot create them because the local computer is not in the same domain and site as the schema master.  Run setup with the /prepareAD parameter on a computer in the domain CONTOSO and site HQ, and wait for replication to complete."},
			evidence: "validating the state of Active Directory"},
		{id: "setup-reboot-pending-windows-component",
			pos: synth{body: []string{ev("Rule", "PendingRebootWindowsComponents", "True")}},
			// The reviewer trusts the Evaluated line, not the Failed summary.
			neg:      synth{body: []string{ev("Rule", "PendingRebootWindowsComponents", "False"), "Failed [Rule:PendingRebootWindowsComponents] [Message:There is a pending reboot from a previous installation of a Windows Server role or feature. Please restart the computer and then run Setup again.]"}},
			evidence: "PendingRebootWindowsComponents"},
		{id: "setup-reboot-pending",
			pos:      synth{body: []string{ev("Rule", "RebootPending", "False"), ev("Rule", "RebootPending", "True")}},
			neg:      synth{body: []string{ev("Rule", "RebootPending", "True"), ev("Rule", "RebootPending", "False")}},
			evidence: "RebootPending"},
		{id: "setup-powershell-sessions-open",
			pos:      synth{body: []string{ev("Rule", "ProcessNeedsToBeClosedOnUpgrade", "True")}},
			neg:      synth{body: []string{ev("Rule", "ProcessNeedsToBeClosedOnUpgrade", "False")}},
			evidence: "ProcessNeedsToBeClosedOnUpgrade"},
		{id: "setup-dc-out-of-site",
			pos: synth{body: []string{ev("Setting", "SiteName", "HQ"), ev("Setting", "DomainControllerSiteName", "Branch"),
				ev("Rule", "DomainControllerIsOutOfSite", "True"), ev("Setting", "DomainController", "DC9.contoso.com")}},
			neg:      synth{body: []string{ev("Setting", "DomainController", "DC9.contoso.com"), ev("Rule", "DomainControllerIsOutOfSite", "False")}},
			values:   map[string]string{"dc": "DC9.contoso.com", "dcsite": "Branch", "site": "HQ"},
			evidence: "DomainControllerIsOutOfSite"},
		{id: "setup-remote-registry-failed",
			pos:      synth{body: []string{ev("Rule", "RemoteRegException", "True")}},
			neg:      synth{body: []string{ev("Rule", "RemoteRegException", "False")}},
			evidence: "RemoteRegException"},
		{id: "setup-msdtc-stopped",
			pos:      synth{body: []string{ev("Rule", "MSDTCStopped", "True")}},
			neg:      synth{body: []string{ev("Rule", "MSDTCStopped", "False")}},
			evidence: "MSDTCStopped"},
		{id: "setup-iis-url-rewrite-missing",
			// The product spells the rule IISURLRewriteNotInstalled.
			pos:      synth{body: []string{ev("Rule", "IISURLRewriteNotInstalled", "True")}},
			neg:      synth{body: []string{ev("Rule", "IISURLRewriteNotInstalled", "False")}},
			evidence: "IISURLRewriteNotInstalled"},
		{id: "setup-domain-not-prepared",
			pos:      synth{body: []string{ev("Setting", "LocalDomainIsPrepped", "False"), ev("Rule", "DomainPrepRequired", "True")}},
			neg:      synth{body: []string{ev("Setting", "LocalDomainIsPrepped", "True"), ev("Rule", "DomainPrepRequired", "True")}},
			evidence: "LocalDomainIsPrepped"},
		{id: "setup-install-watermark",
			// Any True value counts, not only the last one.
			pos:      synth{body: []string{ev("Rule", "InstallWatermark", "False"), ev("Rule", "InstallWatermark", "True"), ev("Rule", "InstallWatermark", "False")}},
			neg:      synth{body: []string{ev("Rule", "InstallWatermark", "False"), ev("Rule", "InstallWatermark", "False")}},
			evidence: `[Value:"True"]`},
		{id: "setup-needs-schema-admins",
			pos:      synth{body: []string{"Schema Update Required Status : 'True'.", ev("Setting", "SchemaAdmin", "False")}},
			neg:      synth{body: []string{"Schema Update Required Status : 'False'.", ev("Setting", "SchemaAdmin", "False")}},
			values:   map[string]string{"user": `CONTOSO\admin`},
			evidence: "SchemaAdmin"},
		{id: "setup-prepareschema-needs-enterprise-admins",
			pos:      synth{body: []string{"Schema Update Required Status : 'True'.", ev("Setting", "EnterpriseAdmin", "False")}},
			neg:      synth{body: []string{"Schema Update Required Status : 'True'.", ev("Setting", "EnterpriseAdmin", "True")}},
			values:   map[string]string{"user": `CONTOSO\admin`},
			evidence: "Schema Update Required Status"},
		{id: "setup-preparead-needs-enterprise-admins",
			pos:      synth{body: []string{"Organization Configuration Update Required Status : 'True'.", ev("Setting", "EnterpriseAdmin", "False")}},
			neg:      synth{body: []string{"Organization Configuration Update Required Status : 'False'.", ev("Setting", "EnterpriseAdmin", "False")}},
			values:   map[string]string{"user": `CONTOSO\admin`},
			evidence: "Organization Configuration Update Required Status"},
		{id: "setup-preparedomain-needs-enterprise-admins",
			pos:      synth{body: []string{"Domain Configuration Update Required Status : 'True'.", ev("Setting", "EnterpriseAdmin", "False")}},
			neg:      synth{body: []string{"Domain Configuration Update Required Status : 'False'.", ev("Setting", "EnterpriseAdmin", "False")}},
			values:   map[string]string{"user": `CONTOSO\admin`},
			evidence: "Domain Configuration Update Required Status"},
		{id: "setup-needs-organization-management",
			pos: synth{body: []string{ev("Setting", "SidExOrgAdmins", "S-1-5-21-1-2-3-1105"), ev("Setting", "ExOrgAdmin", "False"),
				ev("Rule", "DelegatedMailboxFirstInstall", "True")}},
			neg: synth{body: []string{ev("Setting", "SidExOrgAdmins", "S-1-5-21-1-2-3-1105"), ev("Setting", "ExOrgAdmin", "False"),
				ev("Rule", "DelegatedMailboxFirstInstall", "False")}},
			values:   map[string]string{"sid": "S-1-5-21-1-2-3-1105", "user": `CONTOSO\admin`},
			evidence: "ExOrgAdmin"},
		{id: "setup-preparead-not-run",
			pos:      synth{body: []string{ev("Setting", "ExOrgAdmin", "False"), ev("Setting", "SidExOrgAdmins", "")}},
			neg:      synth{body: []string{ev("Setting", "ExOrgAdmin", "False"), ev("Setting", "SidExOrgAdmins", "S-1-5-21-1-2-3-1105")}},
			values:   map[string]string{"user": `CONTOSO\admin`},
			evidence: "ExOrgAdmin"},
		{id: "setup-schema-import-failed",
			pos:      synth{body: []string{ldif}},
			neg:      synth{body: []string{"0.  ErrorRecord: " + strings.TrimPrefix(ldif, "[ERROR] ")}},
			values:   map[string]string{"code": "8245", "ldf": `C:\Windows\Temp\ExchangeSetup\Setup\Data\PostExchange2003_schema80.ldf`, "errfile": `C:\Users\admin\AppData\Local\Temp\ldif.err`},
			evidence: "ldifde.exe"},
		{id: "setup-installer-cache-missing",
			pos: synth{local: "15.2.986.5", body: []string{`Installing a new product. Package: C:\CU12\exchangeserver.msi. Property values: DISABLEERRORREPORTING=1`,
				"[ERROR] Object reference not set to an instance of an object."}},
			neg: synth{body: []string{`Installing a new product. Package: C:\CU12\exchangeserver.msi. Property values: DISABLEERRORREPORTING=1`,
				"[ERROR] The system cannot find the file specified."}},
			values:   map[string]string{"localbuild": "15.2.986.5"},
			evidence: "Installing a new product"},
		{id: "setup-arbitration-upn-not-unique",
			pos: synth{body: errCtx("", `[ERROR] The following error was generated when "$error.Clear(); update-ArbitrationMailbox" was run: "Microsoft.Exchange.Data.Directory.ADConstraintViolationException: An Active Directory Constraint Violation error occurred on DC1.contoso.com. Additional information: the operation failed because UPN value provided for addition/modification is not unique forest-wide.`)},
			// Without an ERROR-REFERENCE line there is no error context.
			neg:      synth{body: []string{`[ERROR] Microsoft.Exchange.Data.Directory.ADConstraintViolationException: the operation failed because UPN value provided for addition/modification is not unique forest-wide.`}},
			evidence: "not unique forest-wide"},
		{id: "setup-service-disabled",
			pos:      synth{body: errCtx("", `[ERROR] The following error was generated when "$error.Clear(); restart-service MSExchangeTransport" was run: "Microsoft.PowerShell.Commands.ServiceCommandException: Service 'Microsoft Exchange Transport (MSExchangeTransport)' cannot be started due to the following error: Cannot start service MSExchangeTransport on computer '.'. ---> System.ComponentModel.Win32Exception: The service cannot be started, either because it is disabled or because it has no enabled devices associated with it`)},
			neg:      synth{body: errCtx("", `[ERROR] Cannot start service MSExchangeTransport on computer '.'.`)},
			values:   map[string]string{"service": "MSExchangeTransport"},
			evidence: "it is disabled"},
		{id: "setup-firewall-endpoint-mapper",
			pos:      synth{body: errCtx("", `[ERROR] The following error was generated when "$error.Clear(); Add-FirewallException" was run: "System.Runtime.InteropServices.COMException (0x800706D9): There are no more endpoints available from the endpoint mapper. (Exception from HRESULT: 0x800706D9)`)},
			neg:      synth{body: errCtx("", `[ERROR] System.Runtime.InteropServices.COMException (0x80070005): Access is denied. (Exception from HRESULT: 0x80070005)`)},
			evidence: "0x800706D9"},
		{id: "setup-public-folder-tree-missing",
			pos:      synth{body: errCtx("", `[ERROR] Active Directory operation failed on DC1.contoso.com. The object 'CN=Folder Hierarchies,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com' already exists.`)},
			neg:      synth{body: errCtx("", `[ERROR] Active Directory operation failed on DC1.contoso.com. The object 'CN=Default Global Address List,CN=All Global Address Lists,CN=Address Lists Container,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com' already exists.`)},
			values:   map[string]string{"dc": "DC1.contoso.com", "object": "CN=Folder Hierarchies,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"},
			evidence: "already exists"},
		{id: "setup-ad-object-exists",
			pos:      synth{body: errCtx("", `[ERROR] Active Directory operation failed on DC1.contoso.com. The object 'CN=Default Global Address List,CN=All Global Address Lists,CN=Address Lists Container,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com' already exists.`)},
			neg:      synth{body: errCtx("", `[ERROR] Active Directory operation failed on DC1.contoso.com. The object 'CN=Folder Hierarchies,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com' already exists.`)},
			values:   map[string]string{"object": "CN=Default Global Address List,CN=All Global Address Lists,CN=Address Lists Container,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"},
			evidence: "Default Global Address List"},
		{id: "setup-search-foundation-failed",
			// The second form of the message: no old nodes.
			pos: synth{body: errCtx("", `[ERROR] The following error was generated when "$error.Clear(); & $command -action I" was run: "System.Exception: Failure configuring SearchFoundation through installconfig.ps1 - Error occurred while configuring Search Foundation for Exchange.System.TimeoutException: Timed out waiting for Admin node to be up and running`,
				"   at Microsoft.Ceres.Exchange.PostSetup.DeploymentManager.WaitForAdminNode(String hostControllerNetTcpWcfUrl)")},
			neg:      synth{body: errCtx("", `[ERROR] Failure configuring SearchFoundation through installconfig.ps1 - Error occurred while configuring Search Foundation for Exchange.`)},
			values:   map[string]string{"datafolder": `<Exchange install path>\Bin\Search\Ceres\HostController\Data`},
			evidence: "Failure configuring SearchFoundation"},
		{id: "setup-missing-directory",
			pos: synth{body: errCtx("", `[ERROR] The following error was generated when "$error.Clear();`,
				`          $grammarPath = join-path $RoleInstallPath "UnifiedMessaging\grammars\*";`,
				`        " was run: "System.Management.Automation.ItemNotFoundException: Cannot find path 'E:\Exchange\V15\UnifiedMessaging\grammars' because it does not exist.`)},
			neg:      synth{body: errCtx("", `[ERROR] Cannot find path 'E:\Exchange\V15\UnifiedMessaging\grammars' because it does not exist.`)},
			values:   map[string]string{"path": `E:\Exchange\V15\UnifiedMessaging\grammars`},
			evidence: "ItemNotFoundException"},
		{id: "setup-mailbox-missing-homemdb",
			pos:      synth{body: errCtx("", "[ERROR] Database is mandatory on UserMailbox.")},
			neg:      synth{body: errCtx("", "[ERROR] Database is offline.")},
			evidence: "Database is mandatory on UserMailbox"},
		{id: "setup-database-mount-failed",
			pos:      synth{body: errCtx("", `[ERROR] The following error was generated when "$error.Clear(); mount-database $db" was run: "System.InvalidOperationException: Failed to mount database "DB01". Error: An Active Manager operation failed.`)},
			neg:      synth{body: errCtx("", `[ERROR] Failed to mount database "DB01".`)},
			values:   map[string]string{"database": "DB01"},
			evidence: "Failed to mount database"},
		{id: "setup-security-groups-ou-deleted",
			pos: synth{body: errCtx("", `[ERROR] The following error was generated when "$error.Clear(); initialize-ExchangeUniversalGroups" was run: "System.NullReferenceException: Object reference not set to an instance of an object.`,
				"   at Microsoft.Exchange.Management.Tasks.InitializeExchangeUniversalGroups.CreateOrMoveEWPGroup(ADGroup ewp, ADOrganizationalUnit usgContainer)")},
			neg: synth{body: errCtx("", `[ERROR] The following error was generated when "$error.Clear(); initialize-ExchangeUniversalGroups" was run: "System.NullReferenceException: Object reference not set to an instance of an object.`,
				"   at Microsoft.Exchange.Management.Tasks.InitializeExchangeUniversalGroups.InternalProcessRecord()",
				"   at Microsoft.Exchange.Management.Tasks.InitializeExchangeUniversalGroups.CreateOrMoveEWPGroup(ADGroup ewp, ADOrganizationalUnit usgContainer)")},
			evidence: "CreateOrMoveEWPGroup"},
		{id: "setup-servicecontrol-reverse-bug",
			pos:      synth{body: errCtx("", `[ERROR] The following error was generated when "$error.Clear(); & $RoleBinPath\ServiceControl.ps1 Stop $RoleRoles" was run: "System.Management.Automation.MethodInvocationException: Exception calling "Reverse" with "1" argument(s): "Value cannot be null."`)},
			neg:      synth{body: errCtx("", `[ERROR] System.Management.Automation.MethodInvocationException: Exception calling "Reverse" with "1" argument(s): "Value cannot be null."`)},
			evidence: `"Reverse"`},
		{id: "setup-virtual-directory-failed",
			pos:      synth{body: errCtx("", "[ERROR] Process execution failed with exit code 50.", `   at start-SetupProcess -Name "C:\Windows\System32\inetSrv\appCmd.exe"`)},
			neg:      synth{body: errCtx("", "[ERROR] Process execution failed with exit code 50.")},
			evidence: "exit code 50"},
		{id: "setup-run-from-bin-folder",
			pos:      synth{body: errCtx("", `[ERROR] The term 'C:\Program Files\Microsoft\Exchange Server\V15\Bin\ManageScheduledTask.ps1' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`)},
			neg:      synth{body: errCtx("", `[ERROR] The term 'Get-Foo' is not recognized as the name of a cmdlet, function, script file, or operable program.`)},
			values:   map[string]string{"script": `C:\Program Files\Microsoft\Exchange Server\V15\Bin\ManageScheduledTask.ps1`},
			evidence: "ManageScheduledTask.ps1"},
		{id: "setup-ad-permissions-insufficient",
			pos: synth{body: errCtx(refDomainPermissions, "Used domain controller DC1.contoso.com to read object CN=Microsoft Exchange System Objects,DC=contoso,DC=com.",
				"[ERROR] Active Directory operation failed on DC1.contoso.com. This error is not retriable. Additional information: Access is denied.",
				"Active directory response: 00000005: SecErr: DSID-03152857, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0")},
			neg: synth{body: errCtx("ADSchemaComponent___f5739a161f954a38b6c398d83738bb16", "Used domain controller DC1.contoso.com to read object CN=Microsoft Exchange System Objects,DC=contoso,DC=com.",
				"[ERROR] Active Directory operation failed on DC1.contoso.com. This error is not retriable. Additional information: Access is denied.",
				"Active directory response: 00000005: SecErr: DSID-03152857, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0")},
			values:   map[string]string{"dc": "DC1.contoso.com", "object": "CN=Microsoft Exchange System Objects,DC=contoso,DC=com", "user": `CONTOSO\admin`},
			evidence: "INSUFF_ACCESS_RIGHTS"},
		{id: "setup-fips-config-access-denied",
			pos:      synth{body: errCtx(refFipsConfig, `[ERROR] Access to the path is denied.`)},
			neg:      synth{body: errCtx("", `[ERROR] Access to the path is denied.`)},
			evidence: "Access to the path is denied."},
		{id: "setup-multiple-activesync-vdirs",
			pos: synth{body: errCtx(refCafeVdir, "Cannot convert 'System.Object[]' to the type 'Microsoft.Exchange.Configuration.Tasks.VirtualDirectoryIdParameter' required by parameter 'Identity'. Specified method is not supported.",
				`[ERROR] The following error was generated when "$error.Clear(); Set-ActiveSyncVirtualDirectory" was run.`)},
			neg: synth{body: errCtx(refCafeVdir, "Cannot convert 'System.String' to the type 'System.Int32'.",
				`[ERROR] The following error was generated when "$error.Clear(); Set-ActiveSyncVirtualDirectory" was run.`)},
			evidence: "System.Object[]"},
		{id: "setup-certificate-expired",
			pos: synth{body: []string{"Installing certificate signed by 'CN=Contoso CA' for site 'CN=mail.contoso.com, OU=IT, O=Contoso, C=DE'.  Certificate is valid from 3/20/2019 12:00:00 PM until 3/20/2020 12:00:00 PM",
				"[ERROR] The certificate is expired."}},
			neg:      synth{body: []string{"Installing certificate signed by 'CN=Contoso CA' for site 'CN=mail.contoso.com, OU=IT, O=Contoso, C=DE'.  Certificate is valid from 3/20/2019 12:00:00 PM until 3/20/2030 12:00:00 PM"}},
			values:   map[string]string{"cert": "CN=mail.contoso.com, OU=IT, O=Contoso, C=DE", "until": "3/20/2020 12:00:00 PM"},
			evidence: "The certificate is expired."},
		{id: "setup-wellknown-object-deleted",
			pos:      synth{body: []string{wko}},
			neg:      synth{body: []string{"0.  ErrorRecord: " + strings.TrimPrefix(wko, "[ERROR] ")}},
			values:   map[string]string{"container": "CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"},
			evidence: "otherWellKnownObjects"},
		{id: "setup-wellknown-object-wrong-group-type",
			pos:      synth{body: []string{wrong}},
			neg:      synth{body: []string{wko}},
			values:   map[string]string{"group": "CN=Exchange Servers,OU=Microsoft Exchange Security Groups,DC=contoso,DC=com", "target": "Universal Security Group"},
			evidence: "wrong group type"},
		{id: "setup-hybrid-org-relationship-uri-missing",
			pos: synth{body: []string{"Searching for outlook.com as the TargetApplicationUri", ev("Setting", "IsHybridObjectFoundOnPremises", "False"),
				ev("Rule", "DidOnPremisesSettingCreatedAnException", "True")}},
			neg:      synth{body: []string{"Searching for outlook.com as the TargetApplicationUri", ev("Rule", "DidOnPremisesSettingCreatedAnException", "False")}},
			values:   map[string]string{"uri": "outlook.com"},
			evidence: "DidOnPremisesSettingCreatedAnException"},
		{id: "setup-shared-config-dc-failed",
			pos: synth{body: errCtx(refSharedConfig, "An error ocurred while setting shared config DC. Error: Could not find any available Domain Controller.",
				"[ERROR] Unable to set shared config DC.")},
			neg: synth{body: errCtx("", "An error ocurred while setting shared config DC. Error: Could not find any available Domain Controller.",
				"[ERROR] Unable to set shared config DC.")},
			values:   map[string]string{"inner": "Could not find any available Domain Controller."},
			evidence: "Unable to set shared config DC"},
		{id: "setup-delegated-rights-missing",
			pos: synth{body: []string{ev("Setting", "EnterpriseAdmin", "False"), ev("Setting", "ExOrgAdmin", "False"), ev("Setting", "SidExOrgAdmins", "S-1-5-21-1-2-3-1105"),
				ev("Rule", "DelegatedMailboxFirstInstall", "False"), ev("Setting", "ServerAlreadyExists", "True"),
				ev("Setting", "HasServerDelegatedPermsBlocked", "983229"), ev("Setting", "ServerManagement", "False")}},
			neg: synth{body: []string{ev("Setting", "EnterpriseAdmin", "False"), ev("Setting", "ExOrgAdmin", "False"), ev("Setting", "SidExOrgAdmins", "S-1-5-21-1-2-3-1105"),
				ev("Rule", "DelegatedMailboxFirstInstall", "False"), ev("Setting", "ServerAlreadyExists", "True"),
				ev("Setting", "HasServerDelegatedPermsBlocked", "983229"), ev("Setting", "ServerManagement", "True")}},
			values:   map[string]string{"user": `CONTOSO\admin`},
			evidence: "ServerManagement"},
		{id: "setup-same-build-rerun",
			pos:      synth{mode: "Upgrade", setup: "15.2.1544.4", local: "15.2.1544.4", end: "ok"},
			neg:      synth{mode: "Install", setup: "15.2.1544.4", local: "15.2.1544.4", end: "ok"},
			values:   map[string]string{"setupbuild": "15.2.1544.4", "localbuild": "15.2.1544.4", "mode": "Upgrade"},
			evidence: "Setup version: 15.2.1544.4."},
		{id: "setup-succeeded",
			pos:      synth{end: "ok"},
			neg:      synth{},
			values:   map[string]string{"setupbuild": "15.2.1544.4", "mode": "Upgrade"},
			evidence: "completed successfully"},
		{id: "setup-failed-unknown",
			pos:      synth{body: errCtx("", "[ERROR] Something nobody has seen before happened.", "   at Microsoft.Exchange.Foo.Bar()", "[ERROR] And then it stopped.")},
			neg:      synth{body: errCtx("", "[ERROR] Database is mandatory on UserMailbox.")},
			values:   map[string]string{"path": "ExchangeSetup.log", "first_error": "[ERROR] Something nobody has seen before happened."},
			evidence: "Something nobody has seen before happened."},
	}
}

// TestSetupRules gives every section B rule a log that must fire it and
// one that must not.
func TestSetupRules(t *testing.T) {
	rules, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range setupCases() {
		t.Run(tc.id, func(t *testing.T) {
			r := Find(rules, tc.id)
			if r == nil {
				t.Fatalf("%s is not in the catalog", tc.id)
			}
			fs := byRule(scanSynth(t, tc.pos, English), tc.id)
			if len(fs) != 1 {
				t.Fatalf("positive log: %d findings, want 1", len(fs))
			}
			f := fs[0]
			if f.Severity != r.Meta().Severity || f.Host != "EXSVR1" {
				t.Errorf("severity %s host %q", f.Severity, f.Host)
			}
			for k, v := range tc.values {
				if f.Values[k] != v {
					t.Errorf("value %s = %q, want %q", k, f.Values[k], v)
				}
			}
			found := false
			for _, e := range f.Evidence {
				if e.Path != "ExchangeSetup.log" || e.Line < 1 {
					t.Errorf("evidence %+v", e)
				}
				if strings.Contains(e.Text, tc.evidence) {
					found = true
				}
			}
			if !found {
				t.Errorf("no evidence holds %q: %+v", tc.evidence, f.Evidence)
			}
			for _, l := range Langs {
				for _, p := range Placeholders(r.Meta().Remedy.In(l)) {
					if _, ok := f.Values[p]; !ok && p != "host" {
						t.Errorf("%s remedy uses {%s}, which the finding does not give", l, p)
					}
				}
			}
			if neg := byRule(scanSynth(t, tc.neg, English), tc.id); len(neg) != 0 {
				t.Errorf("negative log: %d findings, want none: %+v", len(neg), neg[0].Evidence)
			}
		})
	}
}

// TestSetupRulesReadOnlyTheVerdictRun: an earlier failed run is history;
// the last run decides.
func TestSetupRulesReadOnlyTheVerdictRun(t *testing.T) {
	failed := synth{body: errCtx("", "[ERROR] Database is mandatory on UserMailbox."), local: "15.2.1544.4"}
	ok := synth{end: "ok"}
	data := strings.Join(append(failed.lines(10), ok.lines(11)...), "\n")
	fs := scanSetupBytes(t, "ExchangeSetup.log", []byte(data), English)
	if len(fs) != 1 || fs[0].Rule != "setup-succeeded" {
		t.Fatalf("findings %s; want only setup-succeeded", ruleList(fs))
	}
	if l := fs[0].Evidence[0].Line; l <= len(failed.lines(10)) {
		t.Errorf("success cited at line %d, inside the first run", l)
	}

	// The other way round: the failure of the last run is reported, the
	// success of the first is not.
	data = strings.Join(append(ok.lines(10), failed.lines(11)...), "\n")
	fs = scanSetupBytes(t, "ExchangeSetup.log", []byte(data), English)
	if len(byRule(fs, "setup-mailbox-missing-homemdb")) != 1 || len(byRule(fs, "setup-succeeded")) != 0 {
		t.Fatalf("findings %s; want the homeMDB failure only", ruleList(fs))
	}
}

// TestSetupShortLastRun: a last run of fewer than 30 lines started within
// 30 days of the one before is not the verdict run; the one before is.
func TestSetupShortLastRun(t *testing.T) {
	failed := synth{body: errCtx("", "[ERROR] Database is mandatory on UserMailbox.")}
	short := []string{
		"[03/12/2021 09:00:00.0000] [0] Starting Microsoft Exchange Server 2019 Setup",
		"[03/12/2021 09:00:01.0000] [0] Setup version: 15.2.1544.4.",
		"[03/12/2021 09:00:02.0000] [0] " + okEnd,
	}
	data := strings.Join(append(failed.lines(11), short...), "\n")
	fs := scanSetupBytes(t, "ExchangeSetup.log", []byte(data), English)
	if len(byRule(fs, "setup-mailbox-missing-homemdb")) != 1 || len(byRule(fs, "setup-succeeded")) != 0 {
		t.Fatalf("findings %s; want the failure of the run before the short one", ruleList(fs))
	}
}

// TestSetupAllRulesFire: several rules fire on one run, most severe first.
func TestSetupAllRulesFire(t *testing.T) {
	s := synth{mode: "Upgrade", setup: "15.2.1544.4", local: "15.2.1544.4", body: append([]string{
		evalLine("Rule", "MSDTCStopped", "True"), evalLine("Rule", "RebootPending", "True"),
		evalLine("Setting", "ExOrgAdmin", "False")},
		errCtx("", "[ERROR] Database is mandatory on UserMailbox.")...)}
	fs := scanSynth(t, s, English)
	want := []string{"setup-mailbox-missing-homemdb", "setup-msdtc-stopped", "setup-reboot-pending", "setup-preparead-not-run", "setup-same-build-rerun"}
	for _, id := range want {
		if len(byRule(fs, id)) != 1 {
			t.Errorf("%s missing from %s", id, ruleList(fs))
		}
	}
	for i := 1; i < len(fs); i++ {
		if fs[i].Severity > fs[i-1].Severity {
			t.Errorf("findings not ordered by severity: %s", ruleList(fs))
		}
	}
	if len(byRule(fs, "setup-failed-unknown")) != 0 {
		t.Errorf("setup-failed-unknown fired on an explained failure")
	}
}

// TestSetupFailedUnknownWithoutError: a run that failed its prerequisite
// check has no [ERROR] line; the fallback cites its [REQUIRED] lines.
func TestSetupFailedUnknownWithoutError(t *testing.T) {
	s := synth{body: []string{
		"Failed [Rule:ForestLevelNotWin2003Native] [Message:The forest functional level is too low.]",
		"[REQUIRED] The forest functional level is too low.",
		"Help URL: http://technet.microsoft.com/library(EXCHG.150)/ms.exch.setupreadiness.ForestLevelNotWin2003Native.aspx",
	}}
	for _, lang := range Langs {
		fs := byRule(scanSynth(t, s, lang), "setup-failed-unknown")
		if len(fs) != 1 {
			t.Fatalf("%s: %d setup-failed-unknown findings, want 1", lang, len(fs))
		}
		if e := fs[0].Evidence; len(e) != 1 || !strings.Contains(e[0].Text, "[REQUIRED] The forest functional level") {
			t.Errorf("evidence %+v", e)
		}
		if !strings.Contains(fs[0].Remedy, ": [REQUIRED] The forest functional level is too low.") || strings.Contains(fs[0].Remedy, "?") {
			t.Errorf("%s remedy %q", lang, fs[0].Remedy)
		}
	}
}

// TestSetupFailedUnknownEvidence: the fallback cites the line before the
// first error, the first error and the lines after it up to the
// ERROR-REFERENCE line, without stack frames.
func TestSetupFailedUnknownEvidence(t *testing.T) {
	s := synth{body: errCtx("", "Beginning processing Foo", "[ERROR] Something nobody has seen before happened.", "   at Microsoft.Exchange.Foo.Bar()", "[ERROR] And then it stopped.")}
	fs := byRule(scanSynth(t, s, English), "setup-failed-unknown")
	if len(fs) != 1 {
		t.Fatalf("%d findings", len(fs))
	}
	var texts []string
	for _, e := range fs[0].Evidence {
		texts = append(texts, e.Text)
	}
	got := strings.Join(texts, "|")
	want := "Beginning processing Foo|[ERROR] Something nobody has seen before happened.|[ERROR] And then it stopped.|[ERROR-REFERENCE] Id=UnifiedMessagingComponent___99d8be02cb8d413eafc6ff15e437e13d Component=EXCHANGE14:\\Current\\Release\\Shared\\Datacenter\\Setup"
	if got != want {
		t.Errorf("evidence\n%s\nwant\n%s", got, want)
	}
	// A successful run has nothing to explain.
	if fs := byRule(scanSynth(t, synth{end: "ok"}, English), "setup-failed-unknown"); len(fs) != 0 {
		t.Errorf("fired on a successful run")
	}
}

// TestSetupPolish: the remedies speak Polish, with the Polish variants of
// the values.
func TestSetupPolish(t *testing.T) {
	s := synth{body: []string{evalLine("Rule", "DomainControllerIsOutOfSite", "True"), evalLine("Setting", "DomainControllerSiteName", "")}}
	fs := byRule(scanSynth(t, s, Polish), "setup-dc-out-of-site")
	if len(fs) != 1 {
		t.Fatalf("%d findings", len(fs))
	}
	f := fs[0]
	if !strings.Contains(f.Title, "kontroler domeny") || !strings.Contains(f.Remedy, "(lokacja (nieznana)) użył kontrolera domeny (brak w dzienniku), którego lokacja to (pusta)") {
		t.Errorf("title %q remedy %q", f.Title, f.Remedy)
	}
	for k := range f.Values {
		if strings.Contains(k, "@") {
			t.Errorf("language variant %s leaked into the values", k)
		}
	}
}

// TestSetupScanShared: the rules of one file share one analysis, which
// the first checker feeds; another file gets its own.
func TestSetupScanShared(t *testing.T) {
	a := &FileContext{format: parsers.FormatSetupLog}
	s1, owner1 := sharedSetupScan(FileInfo{Context: a})
	s2, owner2 := sharedSetupScan(FileInfo{Context: a})
	if s1 != s2 || !owner1 || owner2 {
		t.Errorf("same file: scans %p %p, owners %v %v", s1, s2, owner1, owner2)
	}
	s3, owner3 := sharedSetupScan(FileInfo{Context: &FileContext{format: parsers.FormatSetupLog}})
	if s3 == s1 || !owner3 {
		t.Errorf("another file shares the first file's analysis")
	}
}

// TestSetupOtherGenerations: section B reads 2007+ logs only; an Exchange
// 2003 progress log yields none of its findings.
func TestSetupOtherGenerations(t *testing.T) {
	data := "[10:00:01] Entering CBaseAtom::ScSetup\n[10:00:02] CBaseAtom::ScSetup (f:\\src\\atom.cxx:1)\n           Error code 0XC0070005 (5): Access is denied.\n[10:00:03] Leaving CBaseAtom::ScSetup\n"
	runs := 0
	for _, f := range scanSetupBytes(t, "Exchange Server Setup Progress.log", []byte(data), English) {
		if strings.HasPrefix(f.Rule, "setup-") {
			t.Errorf("%s fired on a 2003 log", f.Rule)
		}
	}
	// The log did fail: the scan saw a failed run, which section B leaves
	// to section A.
	scan := &setupScan{}
	for _, r := range parseSetup(t, "Exchange Server Setup Progress.log", []byte(data)) {
		scan.feed(r, nil)
		runs++
	}
	if rs := scan.tracker.Runs(); len(rs) != 1 || rs[0].Outcome != setuplog.OutcomeFailed || scan.result() != nil {
		t.Errorf("runs %+v (records %d)", rs, runs)
	}
}

// TestSetupCatalogSectionB walks section B of the reference rule catalog:
// every ID it lists is in the catalog, reads setup logs (or is a bundle
// rule), and speaks English and Polish.
func TestSetupCatalogSectionB(t *testing.T) {
	path := filepath.Join(repoCorpus(t), "..", "reference", "rule-catalog.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "## B.")
	if start < 0 {
		t.Fatal("no section B in rule-catalog.md")
	}
	section := text[start:]
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile("`(setup-[a-z0-9-]+)`").FindAllStringSubmatch(section, -1) {
		ids[m[1]] = true
	}
	if len(ids) < 42 || !ids["setup-same-build-rerun"] || !ids["setup-failed-unknown"] {
		t.Fatalf("parsed %d IDs from section B: %v", len(ids), ids)
	}
	rules, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, tc := range setupCases() {
		tested[tc.id] = true
	}
	for id := range ids {
		r := Find(rules, id)
		if r == nil {
			t.Errorf("%s is not in the catalog", id)
			continue
		}
		m := r.Meta()
		for _, l := range Langs {
			for what, txt := range map[string]Text{"title": m.Title, "doc": m.Doc, "remedy": m.Remedy} {
				if strings.TrimSpace(textIn(txt, l)) == "" {
					t.Errorf("%s: no %s %s", id, l, what)
				}
			}
		}
		if m.Title.EN == m.Title.PL || m.Remedy.EN == m.Remedy.PL {
			t.Errorf("%s: the Polish text is the English one", id)
		}
		if len(m.KB) == 0 {
			t.Errorf("%s cites no KB", id)
		}
		if _, ok := r.(BundleRule); !ok && !m.Reads("setuplog") {
			t.Errorf("%s does not read setup logs", id)
		}
		if !tested[id] {
			t.Errorf("%s has no positive and negative test in setupCases", id)
		}
	}
}

// FuzzSetupRules feeds arbitrary text through the setup log parser and the
// whole catalog: nothing may panic.
func FuzzSetupRules(f *testing.F) {
	for _, tc := range setupCases() {
		f.Add(tc.pos.bytes())
	}
	rules, err := Catalog()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		eng := NewEngine(rules, English)
		fr := eng.NewFile(FileInfo{Path: "ExchangeSetup.log", Format: parsers.FormatSetupLog})
		in := parsers.Input{Path: "ExchangeSetup.log", R: bytes.NewReader(data), Size: int64(len(data))}
		_ = (setuplog.Parser{}).Parse(context.Background(), in, parsers.Sink{Record: func(r *parsers.Record) bool { fr.Record(r); return true }})
		c := eng.NewCollector("case")
		c.Add(fr.Finish())
		for _, f := range c.Finish() {
			if f.Rule == "" || len(f.Evidence) == 0 {
				t.Fatalf("finding without rule or evidence: %+v", f)
			}
		}
	})
}

// TestSetupExcerpt: a log cut so that it has no start line is still read;
// its last run decides.
func TestSetupExcerpt(t *testing.T) {
	lines := synth{body: errCtx("", "[ERROR] Database is mandatory on UserMailbox.")}.lines(11)
	var cut []string
	for _, l := range lines {
		if !strings.Contains(l, "Starting Microsoft Exchange") {
			cut = append(cut, l)
		}
	}
	fs := scanSetupBytes(t, "ExchangeSetup.log", []byte(strings.Join(cut, "\n")), English)
	if len(byRule(fs, "setup-mailbox-missing-homemdb")) != 1 {
		t.Errorf("findings %s; want the homeMDB failure", ruleList(fs))
	}
}

// TestSetupCheckerWithoutEngine: a checker made outside the engine (no
// FileContext) keeps its own run summary and finds the same.
func TestSetupCheckerWithoutEngine(t *testing.T) {
	rules, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	recs := parseSetup(t, "ExchangeSetup.log", synth{body: []string{evalLine("Rule", "MSDTCStopped", "True")}}.bytes())
	for id, want := range map[string]int{"setup-msdtc-stopped": 1, "setup-reboot-pending": 0} {
		c := Find(rules, id).(FileRule).NewChecker(FileInfo{Path: "ExchangeSetup.log", Format: "setuplog"})
		for _, r := range recs {
			c.Record(r)
		}
		if hits := c.Finish(); len(hits) != want {
			t.Errorf("%s: %d hits, want %d", id, len(hits), want)
		}
	}
}
