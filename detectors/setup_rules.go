package detectors

import (
	"regexp"
	"strings"

	"github.com/extriage/extriage/parsers"
)

// setupRule is a section B rule written in Go: a test of the run that
// decides the verdict of a 2007+ ExchangeSetup.log, on the analysis every
// section B rule of the file shares.
type setupRule struct {
	meta Meta
	// problem rules stay silent when the verdict run succeeded: like the
	// reviewer, a successful run needs no action.
	problem bool
	eval    func(v *setupVerdict) []Hit
}

func (r *setupRule) Meta() *Meta { return &r.meta }

// NewChecker joins the file's shared setup analysis.
func (r *setupRule) NewChecker(f FileInfo) Checker {
	if f.Format != parsers.FormatSetupLog {
		return nil
	}
	scan, owner := sharedSetupScan(f)
	return &setupChecker{rule: r, scan: scan, owner: owner, view: f.View, path: f.Path}
}

type setupChecker struct {
	rule  *setupRule
	scan  *setupScan
	owner bool
	view  *RecordView
	path  string
}

func (c *setupChecker) Record(r *parsers.Record) {
	if c.owner {
		c.scan.feed(r, c.view)
	}
}

func (c *setupChecker) Finish() []Hit {
	defer c.scan.release()
	v := c.scan.result()
	if v == nil || (c.rule.problem && v.succeeded()) {
		return nil
	}
	hits := c.rule.eval(v)
	for i := range hits {
		hits[i].Key = c.path // one finding per setup log
		if hits[i].Values == nil {
			hits[i].Values = map[string]string{}
		}
	}
	return hits
}

// setupExplains lists the section B rules whose finding explains a failed
// setup run, so that setup-failed-unknown stays silent. The Go rules add
// themselves; the data rules of rules/setup.yaml are listed here.
var setupExplains = map[string]bool{
	"setup-ad-validation-failed":              true,
	"setup-schema-import-failed":              true,
	"setup-wellknown-object-deleted":          true,
	"setup-wellknown-object-wrong-group-type": true,
}

func init() {
	for _, r := range setupRules() {
		if r.problem {
			setupExplains[r.meta.ID] = true
		}
		registerGoRule(r)
	}
}

// Texts shared by many rules.
const (
	genDocEN = " This is one of the checks of Microsoft's SetupLogReviewer (CSS-Exchange); no KB article covers " +
		"this exact message, so the rule cites KB 328839 for the general rules of applying Exchange updates."
	genDocPL = " To jedna z kontroli skryptu SetupLogReviewer firmy Microsoft (CSS-Exchange); żaden artykuł bazy " +
		"wiedzy nie opisuje dokładnie tego komunikatu, dlatego reguła powołuje się na KB 328839, który podaje " +
		"ogólne zasady instalowania aktualizacji Exchange."
	genRemEN = " (Check taken from SetupLogReviewer; general update rules: KB 328839.)"
	genRemPL = " (Kontrola przejęta ze skryptu SetupLogReviewer; ogólne zasady aktualizacji: KB 328839.)"
	runDocEN = " Only the setup run that decides the verdict is read (the last run with at least 30 lines); " +
		"earlier runs in the same log are history."
	runDocPL = " Czytany jest tylko przebieg instalatora, który rozstrzyga o wyniku (ostatni przebieg mający " +
		"co najmniej 30 wierszy); wcześniejsze przebiegi w tym samym dzienniku to historia."
	ctxDocEN = " The rule reads the error context: from the first [ERROR] line of that run through its " +
		"[ERROR-REFERENCE] line (at most 200 lines)."
	ctxDocPL = " Reguła czyta kontekst błędu: od pierwszego wiersza [ERROR] tego przebiegu do wiersza " +
		"[ERROR-REFERENCE] (najwyżej 200 wierszy)."
	acceptEN     = "/IAcceptExchangeServerLicenseTerms_DiagnosticDataOFF"
	acceptPL     = acceptEN
	acceptNoteEN = " (CUs before 2021 take /IAcceptExchangeServerLicenseTerms)"
	acceptNotePL = " (CU sprzed 2021 roku przyjmują /IAcceptExchangeServerLicenseTerms)"
)

func tx(en, pl string) Text { return Text{EN: en, PL: pl} }

// sbMeta builds the metadata of a section B Go rule.
func sbMeta(id string, sev Severity, kb []string, title, doc, remedy Text) Meta {
	return Meta{ID: id, Title: title, Severity: sev, KB: kb, Formats: []parsers.Format{parsers.FormatSetupLog}, Doc: doc, Remedy: remedy}
}

// evDoc is the doc of a rule that reads one prerequisite rule's value.
func evDoc(name, en, pl string) Text {
	return tx(en+` The rule reads the last "Evaluated [Rule:`+name+`] ... [Value:"True"]" line of the run; the "Failed [Rule:...]" summary lines are ignored, as the reviewer ignores them.`+runDocEN+genDocEN,
		pl+` Reguła czyta ostatni wiersz "Evaluated [Rule:`+name+`] ... [Value:"True"]" przebiegu; wiersze podsumowania "Failed [Rule:...]" są pomijane, tak jak pomija je skrypt firmy Microsoft.`+runDocPL+genDocPL)
}

// hit is one hit with its evidence and values.
func hit(ev []Evidence, vals map[string]string) []Hit {
	if vals == nil {
		vals = map[string]string{}
	}
	return []Hit{{Evidence: ev, Values: vals}}
}

// ruleTrue fires when the run evaluated a prerequisite rule to True.
func ruleTrue(name string) func(v *setupVerdict) []Hit {
	return func(v *setupVerdict) []Hit {
		ev, ok := v.is("rule", name, "true")
		if !ok {
			return nil
		}
		return hit([]Evidence{ev}, nil)
	}
}

// userValues gives the account Setup ran as.
func userValues(v *setupVerdict, vals map[string]string) map[string]string {
	if vals == nil {
		vals = map[string]string{}
	}
	if v.run.User != "" {
		vals["user"] = v.run.User
	} else {
		vals["user"] = "the account that ran Setup"
		vals["user@pl"] = "konto, z którego uruchomiono instalator"
	}
	return vals
}

// prepRule fires when AD needs a preparation step (status line 'True') and
// the setup account lacks a group (setting name evaluated False).
func prepRule(status, setting string) func(v *setupVerdict) []Hit {
	return func(v *setupVerdict) []Hit {
		st, ok := v.rs.status[status]
		if !ok || !strings.EqualFold(st.value, "true") {
			return nil
		}
		ev, ok := v.is("setting", setting, "false")
		if !ok {
			return nil
		}
		return hit([]Evidence{st.ev, ev}, userValues(v, nil))
	}
}

// Patterns of the error-context checks, as the reviewer writes them (the
// product's spelling kept), made case-insensitive.
var (
	reArbitration = regexp.MustCompile(`(?i)Microsoft\.Exchange\.Data\.Directory\.ADConstraintViolationException.+the operation failed because UPN value provided for addition/modification is not unique forest-wide`)
	reDisabled    = regexp.MustCompile(`(?i)System\.ComponentModel\.Win32Exception: The service cannot be started, either because it is disabled or because it has no enabled devices associated with it`)
	reServiceName = regexp.MustCompile(`(?i)Cannot start service (\S+) on computer`)
	reEndpoint    = regexp.MustCompile(`(?i)System\.Runtime\.InteropServices\.COMException \(0x800706D9\): There are no more endpoints available from the endpoint mapper\. \(Exception from HRESULT: 0x800706D9\)`)
	reExists      = regexp.MustCompile(`(?i)Active Directory operation failed on (.+?)\. The object '(.+?)' already exists\.`)
	reSearchOld   = regexp.MustCompile(`(?i)was run: "System\.Exception: Failure configuring SearchFoundation through InstallConfig\.ps1 - Old nodes belonging to the system 'Fsis', already exist in(?: '([^']+)')?`)
	reSearch      = regexp.MustCompile(`(?i)was run: "System\.Exception: Failure configuring SearchFoundation through InstallConfig\.ps1`)
	reMissingDir  = regexp.MustCompile(`(?i)System\.Management\.Automation\.ItemNotFoundException: Cannot find path '(.+?)' because it does not exist`)
	reHomeMdb     = regexp.MustCompile(`(?i)\[ERROR\] Database is mandatory on UserMailbox`)
	reMount       = regexp.MustCompile(`(?i)was run: "System\.InvalidOperationException: Failed to mount database "(.+?)"\.`)
	reNullRef     = regexp.MustCompile(`(?i)System\.NullReferenceException: Object reference not set to an instance of an object\.`)
	reEWPGroup    = regexp.MustCompile(`(?i)Microsoft\.Exchange\.Management\.Tasks\.InitializeExchangeUniversalGroups\.CreateOrMoveEWPGroup\(ADGroup ewp, ADOrganizationalUnit usgContainer\)`)
	reReverse     = regexp.MustCompile(`(?i)System\.Management\.Automation\.MethodInvocationException: Exception calling "Reverse" with "1" argument`)
	reSvcControl  = regexp.MustCompile(`(?i)ServiceControl\.ps1`)
	reVdirExists  = regexp.MustCompile(`(?i)\[ERROR\] The virtual directory '(.+?)' already exists under '(.+?)'`)
	// The reviewer's .NET pattern ends in an always-empty conditional group;
	// this is its effective form.
	reVdirMissing = regexp.MustCompile(`(?i)\[ERROR\] The operation couldn't be performed because object '(.+)' couldn't be found on`)
	reExitCode    = regexp.MustCompile(`(?i)\[ERROR\] Process execution failed with exit code`)
	reAppCmd      = regexp.MustCompile(`(?i)System32\\inetSrv\\appCmd\.exe`)
	reFromBin     = regexp.MustCompile(`(?i)The term '(.+\\V15\\Bin\\ManageScheduledTask\.ps1)' is not recognized as the name of a cmdlet, function, script file, or operable program`)

	reInsuff     = regexp.MustCompile(`(?i)SecErr: DSID-.+ problem 4003 \(INSUFF_ACCESS_RIGHTS\)`)
	reReadObject = regexp.MustCompile(`(?i)Used domain controller (.+?) to read object (.+?)\.?\s*$`)
	rePathDenied = regexp.MustCompile(`(?i)Access to the path is denied\.`)
	reObjArray   = regexp.MustCompile(`(?i)Cannot convert 'System\.Object\[\]' to the type 'Microsoft\.Exchange\.Configuration\.Tasks\.VirtualDirectoryIdParameter'`)

	reMsi = []*regexp.Regexp{
		regexp.MustCompile(`(?i)Couldn't remove product with code (.+?)\. The installation source for this product is not available`),
		regexp.MustCompile(`(?i)Unable to remove product with code (.+?)\. Fatal error during installation`),
		regexp.MustCompile(`(?i)\[ERROR\] Installing product .+ failed\. The installation source for this product is not available`),
		regexp.MustCompile(`(?i)\[ERROR\] Installing product .+\.msi failed\. Fatal error during installation\. Error code is 1603\.`),
	}
	reMsiNew    = regexp.MustCompile(`(?i)Installing a new product\. Package: .+\.msi\. Property values`)
	reMsiNewRef = regexp.MustCompile(`(?i)\[ERROR\] Object reference not set to an instance of an object\.`)
)

// The ERROR-REFERENCE Ids the reviewer keys its last checks on.
const (
	refDomainPermissions = "DomainGlobalConfig___27a706ffe123425f9ee60cb02b930e81"
	refFipsConfig        = "BridgeheadComponent___9FAA17C4-73D7-4E6D-9012-6274971434D5"
	refCafeVdir          = "CafeComponent___e1130a139a734d90b6c5eec88868fbe9"
)

// contextRule fires when re matches a line of the error context.
func contextRule(re *regexp.Regexp, vals func(ms []setupMatch) map[string]string) func(v *setupVerdict) []Hit {
	return func(v *setupVerdict) []Hit {
		ms := findAll(v.errorContext(), re)
		if len(ms) == 0 {
			return nil
		}
		var values map[string]string
		if vals != nil {
			values = vals(ms)
		}
		return hit(evidenceOf(ms), values)
	}
}

// refIs reports whether the run's last ERROR-REFERENCE has the given Id.
func refIs(v *setupVerdict, id string) bool { return strings.EqualFold(v.rs.lastRef.value, id) }

func setupRules() []*setupRule {
	return []*setupRule{
		// P2
		{problem: true, eval: ruleTrue("PendingRebootWindowsComponents"), meta: sbMeta("setup-reboot-pending-windows-component", Error, []string{"328839"},
			tx("A Windows role or feature installation is waiting for a restart",
				"Instalacja roli lub funkcji systemu Windows czeka na ponowne uruchomienie"),
			evDoc("PendingRebootWindowsComponents",
				"Setup's prerequisite check found a restart pending from adding or removing a Windows Server role or feature (Component Based Servicing), and Setup will not continue until the server restarts.",
				"Sprawdzanie wymagań wstępnych instalatora wykryło oczekujące ponowne uruchomienie po dodaniu lub usunięciu roli albo funkcji systemu Windows Server (Component Based Servicing); instalator nie będzie kontynuował, dopóki serwer nie zostanie uruchomiony ponownie."),
			tx(`Restart {host} and run Setup again. If the check still fails after the restart, a role or feature change is stuck: list it with "Get-WindowsFeature | Where-Object InstallState -like '*Pending'", finish or undo it (Install-WindowsFeature / Uninstall-WindowsFeature, then restart), and rerun Setup.`+genRemEN,
				`Uruchom ponownie serwer {host} i jeszcze raz uruchom instalator. Jeśli po ponownym uruchomieniu kontrola nadal się nie udaje, zmiana roli lub funkcji utknęła: wyświetl ją poleceniem "Get-WindowsFeature | Where-Object InstallState -like '*Pending'", dokończ ją albo wycofaj (Install-WindowsFeature / Uninstall-WindowsFeature, potem ponowne uruchomienie) i ponów instalację.`+genRemPL)),
		},
		// P3
		{problem: true, eval: ruleTrue("RebootPending"), meta: sbMeta("setup-reboot-pending", Error, []string{"328839"},
			tx("A restart is pending from an earlier installation (Session Manager)",
				"Oczekuje ponowne uruchomienie po wcześniejszej instalacji (Session Manager)"),
			evDoc("RebootPending",
				"Setup's prerequisite check found file operations waiting for a restart (the Session Manager's PendingFileRenameOperations), left by an earlier update or program installation.",
				"Sprawdzanie wymagań wstępnych instalatora wykryło operacje na plikach czekające na ponowne uruchomienie (PendingFileRenameOperations menedżera sesji), pozostawione przez wcześniejszą aktualizację lub instalację programu."),
			tx(`Restart {host} and run Setup again. If Setup still reports a pending restart afterwards, look at HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\PendingFileRenameOperations: entries that come back after every restart belong to some product (antivirus, backup or monitoring agent); finish or repair that product's update, then rerun Setup.`+genRemEN,
				`Uruchom ponownie serwer {host} i jeszcze raz uruchom instalator. Jeśli instalator nadal zgłasza oczekujące ponowne uruchomienie, sprawdź HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\PendingFileRenameOperations: wpisy, które wracają po każdym ponownym uruchomieniu, należą do jakiegoś produktu (program antywirusowy, agent kopii zapasowych lub monitorowania); dokończ lub napraw aktualizację tego produktu, a potem ponów instalację.`+genRemPL)),
		},
		// P4
		{problem: true, eval: ruleTrue("ProcessNeedsToBeClosedOnUpgrade"), meta: sbMeta("setup-powershell-sessions-open", Error, []string{"328839"},
			tx("Other PowerShell sessions or programs keep Exchange files open",
				"Inne sesje PowerShell lub programy trzymają otwarte pliki Exchange"),
			evDoc("ProcessNeedsToBeClosedOnUpgrade",
				"During an upgrade Setup must replace the Exchange binaries; its prerequisite check found other processes, usually Exchange Management Shell or PowerShell windows, that still have Exchange files open. KB 328839 likewise asks to close programs that hold files before an update.",
				"Podczas uaktualnienia instalator musi zastąpić pliki programu Exchange; sprawdzanie wymagań wstępnych wykryło inne procesy, zwykle okna Exchange Management Shell lub PowerShell, które nadal mają otwarte pliki Exchange. KB 328839 również zaleca zamknięcie programów trzymających pliki przed aktualizacją."),
			tx(`On {host}, close every Exchange Management Shell and PowerShell window, and stop scripts or monitoring agents that load Exchange modules ("Get-Process powershell*, pwsh -ErrorAction SilentlyContinue" shows what is left). Start Setup from one new elevated window and run it again.`+genRemEN,
				`Na serwerze {host} zamknij wszystkie okna Exchange Management Shell i PowerShell oraz zatrzymaj skrypty i agenty monitorowania, które ładują moduły Exchange (polecenie "Get-Process powershell*, pwsh -ErrorAction SilentlyContinue" pokaże, co zostało). Uruchom instalator ponownie z jednego nowego okna z podwyższonymi uprawnieniami.`+genRemPL)),
		},
		// P5
		{problem: true, eval: evalDCOutOfSite, meta: sbMeta("setup-dc-out-of-site", Error, []string{"2479802", "328839"},
			tx("Setup chose a domain controller outside the server's Active Directory site",
				"Instalator wybrał kontroler domeny spoza lokacji usługi Active Directory serwera"),
			tx(`Setup's rule DomainControllerIsOutOfSite evaluated True: Setup must talk to a domain controller in the Exchange server's own AD site. The DC and its site come from the last "Evaluated [Setting:DomainController]" and "[Setting:DomainControllerSiteName]" lines anywhere in the log, as the reviewer reads them (an empty site usually means the DC's subnet or site is not defined). KB 2479802 explains how Setup picks domain controllers and how to name one with /DomainController.`+runDocEN+genDocEN,
				`Reguła instalatora DomainControllerIsOutOfSite ma wartość True: instalator musi korzystać z kontrolera domeny w tej samej lokacji AD co serwer Exchange. Kontroler i jego lokacja pochodzą z ostatnich wierszy "Evaluated [Setting:DomainController]" i "[Setting:DomainControllerSiteName]" w całym dzienniku, tak jak czyta je skrypt firmy Microsoft (pusta lokacja zwykle oznacza, że podsieć lub lokacja kontrolera nie jest zdefiniowana). KB 2479802 wyjaśnia, jak instalator wybiera kontrolery domeny i jak wskazać kontroler przełącznikiem /DomainController.`+runDocPL+genDocPL),
			tx(`Setup on {host} (site {site}) used domain controller {dc}, whose site is {dcsite}. Make sure a writable domain controller and global catalog run in the server's site and that the site's subnets are defined in Active Directory Sites and Services (check with "nltest /dsgetsite" and "nltest /dsgetdc:<domain> /force"), or name an in-site DC with /DomainController:<name>; then run Setup again. See KB 2479802.`,
				`Instalator na serwerze {host} (lokacja {site}) użył kontrolera domeny {dc}, którego lokacja to {dcsite}. Upewnij się, że w lokacji serwera działa zapisywalny kontroler domeny i wykaz globalny oraz że podsieci lokacji są zdefiniowane w konsoli Lokacje i usługi Active Directory (sprawdź poleceniami "nltest /dsgetsite" i "nltest /dsgetdc:<domena> /force"), albo wskaż kontroler z tej lokacji przełącznikiem /DomainController:<nazwa>; potem uruchom instalator ponownie. Zobacz KB 2479802.`)),
		},
		// P6
		{problem: true, eval: ruleTrue("RemoteRegException"), meta: sbMeta("setup-remote-registry-failed", Error, []string{"2770541", "328839"},
			tx("Setup could not open the server's registry remotely (RemoteRegException)",
				"Instalator nie mógł zdalnie otworzyć rejestru serwera (RemoteRegException)"),
			evDoc("RemoteRegException",
				"Setup opens the local machine's registry through the remote registry API, by the server's own DNS name (RegistryKey.OpenRemoteBaseKey); the rule RemoteRegException means that call failed. The usual causes are a stopped or disabled Remote Registry service or a host name that does not resolve; KB 2770541 describes the same root cause (Remote Registry stopped) for Exchange cmdlets.",
				"Instalator otwiera rejestr lokalnego komputera przez interfejs rejestru zdalnego, używając nazwy DNS serwera (RegistryKey.OpenRemoteBaseKey); reguła RemoteRegException oznacza, że to wywołanie się nie powiodło. Typowe przyczyny to zatrzymana lub wyłączona usługa Rejestr zdalny albo nazwa hosta, której nie da się rozwiązać; KB 2770541 opisuje tę samą przyczynę (zatrzymany Rejestr zdalny) dla poleceń cmdlet Exchange."),
			tx(`On {host}, set the Remote Registry service to start automatically and start it ("Set-Service RemoteRegistry -StartupType Automatic; Start-Service RemoteRegistry"), check that the server resolves its own FQDN ("Resolve-DnsName ([System.Net.Dns]::GetHostEntry($env:COMPUTERNAME).HostName)") and that no firewall rule blocks it, then run Setup again. See KB 2770541.`,
				`Na serwerze {host} ustaw automatyczne uruchamianie usługi Rejestr zdalny i uruchom ją ("Set-Service RemoteRegistry -StartupType Automatic; Start-Service RemoteRegistry"), sprawdź, czy serwer rozwiązuje własną nazwę FQDN ("Resolve-DnsName ([System.Net.Dns]::GetHostEntry($env:COMPUTERNAME).HostName)") i czy żadna reguła zapory tego nie blokuje, a potem uruchom instalator ponownie. Zobacz KB 2770541.`)),
		},
		// P7
		{problem: true, eval: ruleTrue("MSDTCStopped"), meta: sbMeta("setup-msdtc-stopped", Error, []string{"328839"},
			tx("The Distributed Transaction Coordinator (MSDTC) service is stopped",
				"Usługa Koordynator transakcji rozproszonych (MSDTC) jest zatrzymana"),
			evDoc("MSDTCStopped",
				"Setup needs the Distributed Transaction Coordinator service running; its prerequisite check found it stopped.",
				"Instalator wymaga działającej usługi Koordynator transakcji rozproszonych; sprawdzanie wymagań wstępnych wykryło, że jest zatrzymana."),
			tx(`On {host}, set MSDTC to start automatically and start it ("Set-Service MSDTC -StartupType Automatic; Start-Service MSDTC"), then run Setup again.`+genRemEN,
				`Na serwerze {host} ustaw automatyczne uruchamianie usługi MSDTC i uruchom ją ("Set-Service MSDTC -StartupType Automatic; Start-Service MSDTC"), a potem ponownie uruchom instalator.`+genRemPL)),
		},
		// P8
		{problem: true, eval: ruleTrue("IisUrlRewriteNotInstalled"), meta: sbMeta("setup-iis-url-rewrite-missing", Error, []string{"5005334", "5005333"},
			tx("The IIS URL Rewrite module is not installed",
				"Moduł IIS URL Rewrite nie jest zainstalowany"),
			tx(`Setup's rule IisUrlRewriteNotInstalled evaluated True (the log spells it IISURLRewriteNotInstalled; names are compared without case). The IIS URL Rewrite module became a prerequisite with Exchange Server 2019 CU11 (KB 5005334) and Exchange Server 2016 CU22 (KB 5005333), for the Emergency Mitigation service. The "Failed [Rule:...]" summary lines are ignored.`+runDocEN,
				`Reguła instalatora IisUrlRewriteNotInstalled ma wartość True (w dzienniku pisana IISURLRewriteNotInstalled; nazwy są porównywane bez względu na wielkość liter). Moduł IIS URL Rewrite stał się wymaganiem wstępnym w Exchange Server 2019 CU11 (KB 5005334) i Exchange Server 2016 CU22 (KB 5005333), na potrzeby usługi Emergency Mitigation. Wiersze podsumowania "Failed [Rule:...]" są pomijane.`+runDocPL),
			tx(`Install the IIS URL Rewrite Module 2.1 (rewrite_amd64_en-US.msi from the Microsoft Download Center) on {host}, then run Setup again. It is required since Exchange 2019 CU11 (KB 5005334) and Exchange 2016 CU22 (KB 5005333).`,
				`Zainstaluj moduł IIS URL Rewrite 2.1 (rewrite_amd64_en-US.msi z witryny Microsoft Download Center) na serwerze {host}, a potem ponownie uruchom instalator. Moduł jest wymagany od Exchange 2019 CU11 (KB 5005334) i Exchange 2016 CU22 (KB 5005333).`)),
		},
		// P9
		{problem: true, eval: evalDomainNotPrepared, meta: sbMeta("setup-domain-not-prepared", Error, []string{"328839"},
			tx("The local domain is not prepared for this Exchange build (or has duplicate MESO containers)",
				"Domena lokalna nie jest przygotowana dla tej wersji Exchange (lub ma zduplikowane kontenery MESO)"),
			tx(`Setup evaluated the setting LocalDomainIsPrepped as False and the rule DomainPrepRequired as True in the run: the domain of the server has not been prepared (/PrepareDomain) for this build, or it holds more than one "Microsoft Exchange System Objects" (MESO) container, which confuses the check.`+runDocEN+genDocEN,
				`Instalator ocenił ustawienie LocalDomainIsPrepped jako False, a regułę DomainPrepRequired jako True: domena serwera nie została przygotowana (/PrepareDomain) dla tej wersji albo zawiera więcej niż jeden kontener "Microsoft Exchange System Objects" (MESO), co myli tę kontrolę.`+runDocPL+genDocPL),
			tx(`From the new Exchange media, run "setup.exe /PrepareDomain `+acceptEN+`"`+acceptNoteEN+` in the domain of {host}, as a member of Domain Admins and Organization Management (or Enterprise Admins); wait for AD replication and rerun Setup. If the domain is already prepared, look for duplicate MESO containers at the domain root (SetupAssist.ps1 from CSS-Exchange reports them) and have the stale one cleaned up.`+genRemEN,
				`Z nowego nośnika Exchange uruchom "setup.exe /PrepareDomain `+acceptPL+`"`+acceptNotePL+` w domenie serwera {host}, jako członek grup Domain Admins i Organization Management (albo Enterprise Admins); zaczekaj na replikację AD i ponów instalację. Jeśli domena jest już przygotowana, poszukaj zduplikowanych kontenerów MESO w katalogu głównym domeny (wskaże je skrypt SetupAssist.ps1 z CSS-Exchange) i doprowadź do usunięcia nieaktualnego.`+genRemPL)),
		},
		// P10
		{problem: true, eval: evalWatermark, meta: sbMeta("setup-install-watermark", Error, []string{"328839"},
			tx("A failed earlier installation left a Setup watermark",
				"Nieudana wcześniejsza instalacja pozostawiła znacznik (watermark) instalatora"),
			tx(`An "Evaluated [Rule:InstallWatermark] ... [Value:"True"]" line is in the run: an earlier install or recovery of a server role stopped midway and left a watermark in the registry (under HKLM\SOFTWARE\Microsoft\ExchangeServer\v15). Unattended Setup stops at its prerequisite check; the Setup wizard can resume from the watermark.`+runDocEN+genDocEN,
				`W przebiegu jest wiersz "Evaluated [Rule:InstallWatermark] ... [Value:"True"]": wcześniejsza instalacja lub odzyskiwanie roli serwera przerwało się w połowie i pozostawiło znacznik w rejestrze (w HKLM\SOFTWARE\Microsoft\ExchangeServer\v15). Instalator w trybie nienadzorowanym zatrzymuje się na sprawdzaniu wymagań wstępnych; kreator instalacji potrafi wznowić pracę od znacznika.`+runDocPL+genDocPL),
			tx(`Do not delete the watermark from the registry: Setup needs it to know which steps are already done. On {host}, start Setup with the graphical wizard (setup.exe without /mode), which detects the watermark and continues where the failed installation stopped. More: https://aka.ms/SA-InstallWatermark.`+genRemEN,
				`Nie usuwaj znacznika z rejestru: instalator potrzebuje go, aby wiedzieć, które kroki już wykonano. Na serwerze {host} uruchom instalator w trybie graficznym (setup.exe bez /mode), który wykryje znacznik i będzie kontynuować od miejsca, w którym nieudana instalacja się zatrzymała. Więcej: https://aka.ms/SA-InstallWatermark.`+genRemPL)),
		},
		// P11
		{problem: true, eval: prepRule("schema", "SchemaAdmin"), meta: sbMeta("setup-needs-schema-admins", Error, []string{"328839"},
			tx("The schema must be updated, but the setup account is not in Schema Admins",
				"Schemat wymaga aktualizacji, ale konto instalacji nie należy do grupy Schema Admins"),
			tx(`The run logged "Schema Update Required Status : 'True'" and evaluated the setting SchemaAdmin as False: this build extends the Active Directory schema and only a member of Schema Admins may do that.`+runDocEN+genDocEN,
				`Przebieg zapisał "Schema Update Required Status : 'True'" i ocenił ustawienie SchemaAdmin jako False: ta wersja rozszerza schemat Active Directory, a może to zrobić tylko członek grupy Schema Admins (Administratorzy schematu).`+runDocPL+genDocPL),
			tx(`Add {user} to Schema Admins (and Enterprise Admins), sign out and in again so the new groups are in the token, or have a member of those groups run "setup.exe /PrepareSchema `+acceptEN+`"`+acceptNoteEN+` from the new media on a computer in the schema master's domain and site; wait for replication, then rerun Setup on {host}.`+genRemEN,
				`Dodaj konto {user} do grup Schema Admins (Administratorzy schematu) i Enterprise Admins (Administratorzy przedsiębiorstwa), wyloguj się i zaloguj ponownie, aby nowe grupy trafiły do tokenu, albo poproś członka tych grup o uruchomienie "setup.exe /PrepareSchema `+acceptPL+`"`+acceptNotePL+` z nowego nośnika na komputerze w domenie i lokacji wzorca schematu; zaczekaj na replikację i ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// P12
		{problem: true, eval: prepRule("schema", "EnterpriseAdmin"), meta: sbMeta("setup-prepareschema-needs-enterprise-admins", Error, []string{"328839"},
			tx("The schema must be updated, but the setup account is not in Enterprise Admins",
				"Schemat wymaga aktualizacji, ale konto instalacji nie należy do grupy Enterprise Admins"),
			tx(`The run logged "Schema Update Required Status : 'True'" and evaluated the setting EnterpriseAdmin as False: /PrepareSchema needs a member of Enterprise Admins as well as Schema Admins.`+runDocEN+genDocEN,
				`Przebieg zapisał "Schema Update Required Status : 'True'" i ocenił ustawienie EnterpriseAdmin jako False: /PrepareSchema wymaga członka grupy Enterprise Admins (Administratorzy przedsiębiorstwa), a także Schema Admins.`+runDocPL+genDocPL),
			tx(`Add {user} to Enterprise Admins (and Schema Admins), sign out and in again, or have a member run "setup.exe /PrepareSchema `+acceptEN+`"`+acceptNoteEN+` from the new media; wait for replication, then rerun Setup on {host}.`+genRemEN,
				`Dodaj konto {user} do grup Enterprise Admins (Administratorzy przedsiębiorstwa) i Schema Admins, wyloguj się i zaloguj ponownie albo poproś członka tych grup o uruchomienie "setup.exe /PrepareSchema `+acceptPL+`"`+acceptNotePL+` z nowego nośnika; zaczekaj na replikację i ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// P13
		{problem: true, eval: prepRule("organization configuration", "EnterpriseAdmin"), meta: sbMeta("setup-preparead-needs-enterprise-admins", Error, []string{"328839"},
			tx("The organization must be prepared (/PrepareAD), but the setup account is not in Enterprise Admins",
				"Organizacja wymaga przygotowania (/PrepareAD), ale konto instalacji nie należy do grupy Enterprise Admins"),
			tx(`The run logged "Organization Configuration Update Required Status : 'True'" and evaluated the setting EnterpriseAdmin as False: the Exchange organization objects in AD must be updated for this build (/PrepareAD), which needs a member of Enterprise Admins.`+runDocEN+genDocEN,
				`Przebieg zapisał "Organization Configuration Update Required Status : 'True'" i ocenił ustawienie EnterpriseAdmin jako False: obiekty organizacji Exchange w AD muszą zostać zaktualizowane dla tej wersji (/PrepareAD), co wymaga członka grupy Enterprise Admins (Administratorzy przedsiębiorstwa).`+runDocPL+genDocPL),
			tx(`Have a member of Enterprise Admins run "setup.exe /PrepareAD `+acceptEN+`"`+acceptNoteEN+` from the new media (in the schema master's domain and site), or add {user} to Enterprise Admins and sign in again; wait for replication, then rerun Setup on {host}.`+genRemEN,
				`Poproś członka grupy Enterprise Admins o uruchomienie "setup.exe /PrepareAD `+acceptPL+`"`+acceptNotePL+` z nowego nośnika (w domenie i lokacji wzorca schematu) albo dodaj konto {user} do Enterprise Admins i zaloguj się ponownie; zaczekaj na replikację i ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// P14
		{problem: true, eval: prepRule("domain configuration", "EnterpriseAdmin"), meta: sbMeta("setup-preparedomain-needs-enterprise-admins", Error, []string{"328839"},
			tx("The domain must be prepared (/PrepareDomain), but the setup account is not in Enterprise Admins",
				"Domena wymaga przygotowania (/PrepareDomain), ale konto instalacji nie należy do grupy Enterprise Admins"),
			tx(`The run logged "Domain Configuration Update Required Status : 'True'" and evaluated the setting EnterpriseAdmin as False: /PrepareDomain must run in this domain, and the reviewer requires Enterprise Admins to run it reliably.`+runDocEN+genDocEN,
				`Przebieg zapisał "Domain Configuration Update Required Status : 'True'" i ocenił ustawienie EnterpriseAdmin jako False: w tej domenie trzeba uruchomić /PrepareDomain, a skrypt firmy Microsoft wymaga do tego członkostwa w grupie Enterprise Admins.`+runDocPL+genDocPL),
			tx(`Have a member of Enterprise Admins run "setup.exe /PrepareDomain `+acceptEN+`"`+acceptNoteEN+` in this domain (or /PrepareAllDomains once for the forest), or add {user} to Enterprise Admins and sign in again; wait for replication, then rerun Setup on {host}.`+genRemEN,
				`Poproś członka grupy Enterprise Admins o uruchomienie "setup.exe /PrepareDomain `+acceptPL+`"`+acceptNotePL+` w tej domenie (albo raz /PrepareAllDomains dla całego lasu) lub dodaj konto {user} do Enterprise Admins i zaloguj się ponownie; zaczekaj na replikację i ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// P15
		{problem: true, eval: evalOrgManagement, meta: sbMeta("setup-needs-organization-management", Error, []string{"328839"},
			tx("The setup account is not in the Organization Management role group",
				"Konto instalacji nie należy do grupy ról Organization Management"),
			tx(`The run evaluated the setting ExOrgAdmin as False and the rule DelegatedMailboxFirstInstall as True, and the log names the SID of Organization Management (setting SidExOrgAdmins, read anywhere in the log): installing or upgrading this server needs a member of Organization Management. When DelegatedMailboxFirstInstall is not True the run is a delegated setup, which setup-delegated-rights-missing checks instead.`+runDocEN+genDocEN,
				`Przebieg ocenił ustawienie ExOrgAdmin jako False i regułę DelegatedMailboxFirstInstall jako True, a dziennik podaje identyfikator SID grupy Organization Management (ustawienie SidExOrgAdmins, czytane z całego dziennika): instalacja lub uaktualnienie tego serwera wymaga członka grupy Organization Management. Gdy DelegatedMailboxFirstInstall nie ma wartości True, jest to instalacja delegowana, którą sprawdza reguła setup-delegated-rights-missing.`+runDocPL+genDocPL),
			tx(`Add {user} to the Organization Management role group (group SID {sid}), e.g. "Add-RoleGroupMember 'Organization Management' -Member <user>" in Exchange Management Shell, sign out and back in, check with "whoami /groups" that the SID is in the token, then rerun Setup on {host}.`+genRemEN,
				`Dodaj konto {user} do grupy ról Organization Management (SID grupy {sid}), np. "Add-RoleGroupMember 'Organization Management' -Member <użytkownik>" w Exchange Management Shell, wyloguj się i zaloguj ponownie, sprawdź poleceniem "whoami /groups", że SID jest w tokenie, a potem ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// P16
		{problem: true, eval: evalPrepareADNotRun, meta: sbMeta("setup-preparead-not-run", Warning, []string{"328839"},
			tx("The Organization Management group was not found: /PrepareAD may not have run",
				"Nie znaleziono grupy Organization Management: /PrepareAD mógł nie zostać uruchomiony"),
			tx(`The run evaluated the setting ExOrgAdmin as False, and no line anywhere in the log gives the SID of Organization Management (setting SidExOrgAdmins). The group probably does not exist yet, which suggests /PrepareAD has not run for this organization. This is a suspicion, hence a warning.`+runDocEN+genDocEN,
				`Przebieg ocenił ustawienie ExOrgAdmin jako False, a żaden wiersz dziennika nie podaje identyfikatora SID grupy Organization Management (ustawienie SidExOrgAdmins). Grupa prawdopodobnie jeszcze nie istnieje, co wskazuje, że /PrepareAD nie został uruchomiony dla tej organizacji. To tylko podejrzenie, dlatego ostrzeżenie.`+runDocPL+genDocPL),
			tx(`Check whether the Exchange organization was prepared: as a member of Schema Admins and Enterprise Admins run "setup.exe /PrepareAD /OrganizationName:<name> `+acceptEN+`"`+acceptNoteEN+` (the organization name only for a new organization), wait for replication, make sure {user} is then in Organization Management, and rerun Setup on {host}.`+genRemEN,
				`Sprawdź, czy organizacja Exchange została przygotowana: jako członek grup Schema Admins i Enterprise Admins uruchom "setup.exe /PrepareAD /OrganizationName:<nazwa> `+acceptPL+`"`+acceptNotePL+` (nazwa organizacji tylko dla nowej organizacji), zaczekaj na replikację, upewnij się, że konto {user} należy potem do Organization Management, i ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// M1
		{problem: true, eval: evalMsi, meta: sbMeta("setup-installer-cache-missing", Error, []string{"2667628"},
			tx("Windows Installer cache files of Exchange are missing",
				"Brakuje plików pamięci podręcznej Instalatora Windows dla Exchange"),
			tx(`Around the first [ERROR] line of the run (2 lines before it, 200 after) one of five messages shows that Windows Installer could not remove or update an installed Exchange package: "Couldn't remove product with code ... The installation source for this product is not available", "Unable to remove product with code ... Fatal error during installation", "[ERROR] Installing product ... failed. The installation source for this product is not available", "[ERROR] Installing product ....msi failed. Fatal error during installation. Error code is 1603.", or "Installing a new product. Package: ....msi. Property values" followed by "[ERROR] Object reference not set to an instance of an object.". The cached .msi/.msp files under C:\Windows\Installer are then missing; KB 2667628 explains why a damaged installer cache blocks updates.`+runDocEN,
				`W pobliżu pierwszego wiersza [ERROR] przebiegu (2 wiersze przed nim, 200 po nim) występuje jeden z pięciu komunikatów, który pokazuje, że Instalator Windows nie mógł usunąć lub zaktualizować zainstalowanego pakietu Exchange: "Couldn't remove product with code ... The installation source for this product is not available", "Unable to remove product with code ... Fatal error during installation", "[ERROR] Installing product ... failed. The installation source for this product is not available", "[ERROR] Installing product ....msi failed. Fatal error during installation. Error code is 1603." albo "Installing a new product. Package: ....msi. Property values", a po nim "[ERROR] Object reference not set to an instance of an object.". Brakuje wtedy plików .msi/.msp w C:\Windows\Installer; KB 2667628 wyjaśnia, dlaczego uszkodzona pamięć podręczna instalatora blokuje aktualizacje.`+runDocPL),
			tx(`Setup on {host} needs the cached Windows Installer packages of the build installed now, {localbuild}, and some are missing from C:\Windows\Installer. Restore them with FixInstallerCache.ps1 from CSS-Exchange (https://aka.ms/ExInstallerCacheFix): ".\FixInstallerCache.ps1 -CurrentCuRootDirectory <folder with the {localbuild} media>" or "-MachineName <a server at the same build>". Then run Setup again. See KB 2667628.`,
				`Instalator na serwerze {host} potrzebuje zapisanych w pamięci podręcznej pakietów Instalatora Windows dla obecnie zainstalowanej wersji {localbuild}, a części z nich brakuje w C:\Windows\Installer. Odtwórz je skryptem FixInstallerCache.ps1 z CSS-Exchange (https://aka.ms/ExInstallerCacheFix): ".\FixInstallerCache.ps1 -CurrentCuRootDirectory <folder z nośnikiem wersji {localbuild}>" albo "-MachineName <serwer z tą samą wersją>". Potem ponownie uruchom instalator. Zobacz KB 2667628.`)),
		},
		// E1
		{problem: true, eval: contextRule(reArbitration, nil), meta: sbMeta("setup-arbitration-upn-not-unique", Error, []string{"328839"},
			tx("An arbitration mailbox account has a UPN that is not unique in the forest",
				"Konto skrzynki arbitrażowej ma nazwę UPN, która nie jest unikatowa w lesie"),
			tx(`The error context holds an ADConstraintViolationException saying the UPN value "is not unique forest-wide": Setup could not write a system (arbitration) mailbox account because another object in the forest already uses its userPrincipalName.`+ctxDocEN+runDocEN+genDocEN,
				`Kontekst błędu zawiera wyjątek ADConstraintViolationException mówiący, że wartość UPN "is not unique forest-wide": instalator nie mógł zapisać konta systemowej skrzynki (arbitrażowej), bo inny obiekt w lesie używa już tej samej nazwy userPrincipalName.`+ctxDocPL+runDocPL+genDocPL),
			tx(`Find the object that holds the same UPN (Directory Service event 2974 on the domain controller names it, or "Get-ADObject -LDAPFilter '(userPrincipalName=<upn>)'"), change the UPN of the object that should not have it, and rerun Setup on {host}. Do not delete the arbitration mailboxes or their accounts: they hold organization data. Microsoft asks to report this case to ExToolsFeedback@microsoft.com.`+genRemEN,
				`Znajdź obiekt z tą samą nazwą UPN (wskaże go zdarzenie 2974 usługi katalogowej na kontrolerze domeny albo "Get-ADObject -LDAPFilter '(userPrincipalName=<upn>)'"), zmień UPN obiektu, który nie powinien jej mieć, i ponów instalację na serwerze {host}. Nie usuwaj skrzynek arbitrażowych ani ich kont: przechowują dane organizacji. Microsoft prosi o zgłaszanie tego przypadku na ExToolsFeedback@microsoft.com.`+genRemPL)),
		},
		// E2
		{problem: true, eval: evalDisabled, meta: sbMeta("setup-service-disabled", Error, []string{"190442", "328839"},
			tx("Setup could not start a service because it (or a service it needs) is disabled",
				"Instalator nie mógł uruchomić usługi, bo ona (lub usługa, od której zależy) jest wyłączona"),
			tx(`The error context holds "System.ComponentModel.Win32Exception: The service cannot be started, either because it is disabled or because it has no enabled devices associated with it". Exchange services are often left disabled by an earlier update that failed or was interrupted. KB 190442 describes the same failure for an Exchange 5.5 service pack; KB 328839 asks to check the services after an update.`+ctxDocEN+runDocEN+genDocEN,
				`Kontekst błędu zawiera "System.ComponentModel.Win32Exception: The service cannot be started, either because it is disabled or because it has no enabled devices associated with it". Usługi Exchange często pozostają wyłączone po wcześniejszej aktualizacji, która się nie powiodła lub została przerwana. KB 190442 opisuje ten sam błąd dla dodatku Service Pack do Exchange 5.5; KB 328839 zaleca sprawdzenie usług po aktualizacji.`+ctxDocPL+runDocPL+genDocPL),
			tx(`Setup on {host} could not start a service ({service}) because it or a service it depends on is disabled. Set the Exchange services back to automatic start and start them: "Get-Service MSExchange* | Set-Service -StartupType Automatic" (also check IISAdmin, W3SVC, WinMgmt and RemoteRegistry), then run Setup again. If Setup disables them again while it runs, repeat the command during Setup. See KB 190442.`,
				`Instalator na serwerze {host} nie mógł uruchomić usługi ({service}), bo ona lub usługa, od której zależy, jest wyłączona. Przywróć automatyczne uruchamianie usług Exchange i uruchom je: "Get-Service MSExchange* | Set-Service -StartupType Automatic" (sprawdź też IISAdmin, W3SVC, WinMgmt i RemoteRegistry), a potem ponownie uruchom instalator. Jeśli instalator w trakcie pracy znów je wyłączy, powtórz polecenie w czasie instalacji. Zobacz KB 190442.`)),
		},
		// E3
		{problem: true, eval: contextRule(reEndpoint, nil), meta: sbMeta("setup-firewall-endpoint-mapper", Error, []string{"328839"},
			tx("No RPC endpoints available (0x800706D9): the Windows Firewall service is not running",
				"Brak dostępnych punktów końcowych RPC (0x800706D9): usługa Zapora systemu Windows nie działa"),
			tx(`The error context holds "System.Runtime.InteropServices.COMException (0x800706D9): There are no more endpoints available from the endpoint mapper". Setup registers firewall rules and RPC endpoints, which fails when the Windows Firewall service is stopped or disabled.`+ctxDocEN+runDocEN+genDocEN,
				`Kontekst błędu zawiera "System.Runtime.InteropServices.COMException (0x800706D9): There are no more endpoints available from the endpoint mapper". Instalator rejestruje reguły zapory i punkty końcowe RPC, co się nie udaje, gdy usługa Zapora systemu Windows jest zatrzymana lub wyłączona.`+ctxDocPL+runDocPL+genDocPL),
			tx(`On {host}, set the Windows Firewall service to start automatically and start it ("Set-Service MpsSvc -StartupType Automatic; Start-Service MpsSvc"); the service must run even if the firewall profiles are turned off. Then rerun Setup.`+genRemEN,
				`Na serwerze {host} ustaw automatyczne uruchamianie usługi Zapora systemu Windows i uruchom ją ("Set-Service MpsSvc -StartupType Automatic; Start-Service MpsSvc"); usługa musi działać, nawet jeśli profile zapory są wyłączone. Potem ponów instalację.`+genRemPL)),
		},
		// E4a
		{problem: true, eval: evalExists(true), meta: sbMeta("setup-public-folder-tree-missing", Error, []string{"328839"},
			tx("The public folder tree object is missing under Folder Hierarchies",
				"Brakuje obiektu drzewa folderów publicznych w kontenerze Folder Hierarchies"),
			tx(`The first "Active Directory operation failed on <DC>. The object '<DN>' already exists." line of the error context names CN=Folder Hierarchies of an Exchange administrative group: the container exists but holds no public folder tree (msExchPFTree), so Setup tries to create the container again and fails. KB 328839 warns that ADSI Edit changes must be made with care.`+ctxDocEN+runDocEN+genDocEN,
				`Pierwszy wiersz "Active Directory operation failed on <DC>. The object '<DN>' already exists." w kontekście błędu wskazuje CN=Folder Hierarchies grupy administracyjnej Exchange: kontener istnieje, ale nie zawiera drzewa folderów publicznych (msExchPFTree), więc instalator próbuje utworzyć kontener ponownie i kończy się błędem. KB 328839 ostrzega, że zmiany w Edycji ADSI trzeba wprowadzać ostrożnie.`+ctxDocPL+runDocPL+genDocPL),
			tx(`In ADSI Edit (Configuration partition) open {object}, create a new object of class msExchPFTree with any cn (for example "Public Folders"), then on its Attribute Editor tab set msExchPFTreeType to 1. Wait for AD replication (Setup used {dc}) and rerun Setup on {host}.`+genRemEN,
				`W Edycji ADSI (partycja Configuration) otwórz {object}, utwórz nowy obiekt klasy msExchPFTree z dowolną nazwą cn (np. "Public Folders"), a potem na karcie Edytor atrybutów ustaw msExchPFTreeType na 1. Zaczekaj na replikację AD (instalator użył {dc}) i ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// E4b
		{problem: true, eval: evalExists(false), meta: sbMeta("setup-ad-object-exists", Error, []string{"328839"},
			tx("Setup tried to create an AD object that already exists",
				"Instalator próbował utworzyć obiekt AD, który już istnieje"),
			tx(`The first "Active Directory operation failed on <DC>. The object '<DN>' already exists." line of the error context names an object other than a Folder Hierarchies container. Setup creates the object because it could not see it, usually because permissions on the object are not inherited or a Deny entry hides it.`+ctxDocEN+runDocEN+genDocEN,
				`Pierwszy wiersz "Active Directory operation failed on <DC>. The object '<DN>' already exists." w kontekście błędu wskazuje obiekt inny niż kontener Folder Hierarchies. Instalator tworzy obiekt, bo go nie widział, zwykle dlatego, że uprawnienia obiektu nie są dziedziczone albo ukrywa go wpis Odmów.`+ctxDocPL+runDocPL+genDocPL),
			tx(`Check the permissions of {object} on {dc} ("dsacls '{object}'", or the Security tab in ADSI Edit): inheritance from the parent must be on, and no Deny entry may apply to the setup account or to Exchange Trusted Subsystem / Exchange Windows Permissions. Fix them, wait for replication and rerun Setup on {host}.`+genRemEN,
				`Sprawdź uprawnienia obiektu {object} na kontrolerze {dc} ("dsacls '{object}'" lub karta Zabezpieczenia w Edycji ADSI): dziedziczenie z obiektu nadrzędnego musi być włączone i żaden wpis Odmów nie może dotyczyć konta instalacji ani grup Exchange Trusted Subsystem / Exchange Windows Permissions. Popraw je, zaczekaj na replikację i ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// E5
		{problem: true, eval: evalSearchFoundation, meta: sbMeta("setup-search-foundation-failed", Error, []string{"2889663"},
			tx("Configuring Search Foundation failed",
				"Konfiguracja Search Foundation nie powiodła się"),
			tx(`The error context holds 'was run: "System.Exception: Failure configuring SearchFoundation through InstallConfig.ps1'. When the message goes on with "Old nodes belonging to the system 'Fsis', already exist in", nodes of an earlier install are in the way and Search Foundation must be uninstalled first; otherwise the search services or their noderunner.exe processes did not come up. KB 2889663 describes one cause of the second kind (a trailing space in PSModulePath).`+ctxDocEN+runDocEN,
				`Kontekst błędu zawiera 'was run: "System.Exception: Failure configuring SearchFoundation through InstallConfig.ps1'. Gdy komunikat ciągnie się dalej słowami "Old nodes belonging to the system 'Fsis', already exist in", przeszkadzają węzły wcześniejszej instalacji i trzeba najpierw odinstalować Search Foundation; w przeciwnym razie nie wystartowały usługi wyszukiwania lub ich procesy noderunner.exe. KB 2889663 opisuje jedną z przyczyn drugiego rodzaju (spację na końcu zmiennej PSModulePath).`+ctxDocPL+runDocPL),
			tx(`Search Foundation could not be configured on {host}: {cause} {steps} Also check that PSModulePath has no trailing space (KB 2889663).`,
				`Nie udało się skonfigurować Search Foundation na serwerze {host}: {cause} {steps} Sprawdź też, czy zmienna PSModulePath nie kończy się spacją (KB 2889663).`)),
		},
		// E6
		{problem: true, eval: contextRule(reMissingDir, func(ms []setupMatch) map[string]string { return map[string]string{"path": ms[0].groups[1]} }), meta: sbMeta("setup-missing-directory", Error, []string{"202258", "328839"},
			tx("A folder Setup expects under the Exchange installation is missing",
				"Brakuje folderu, którego instalator oczekuje w instalacji Exchange"),
			tx(`The error context holds "System.Management.Automation.ItemNotFoundException: Cannot find path '<path>' because it does not exist": a folder of the Exchange installation was removed (often by a cleanup script, e.g. UnifiedMessaging\grammars). KB 202258 describes the same kind of failure, and the same fix, for an Exchange 5.0 service pack.`+ctxDocEN+runDocEN+genDocEN,
				`Kontekst błędu zawiera "System.Management.Automation.ItemNotFoundException: Cannot find path '<ścieżka>' because it does not exist": usunięto folder instalacji Exchange (często skryptem porządkującym, np. UnifiedMessaging\grammars). KB 202258 opisuje ten sam rodzaj błędu i tę samą poprawkę dla dodatku Service Pack do Exchange 5.0.`+ctxDocPL+runDocPL+genDocPL),
			tx(`Create the folder Setup expects on {host}: "New-Item -ItemType Directory -Path '{path}'", then rerun Setup. See KB 202258.`,
				`Utwórz na serwerze {host} folder, którego oczekuje instalator: "New-Item -ItemType Directory -Path '{path}'", a potem ponów instalację. Zobacz KB 202258.`)),
		},
		// E7
		{problem: true, eval: contextRule(reHomeMdb, nil), meta: sbMeta("setup-mailbox-missing-homemdb", Error, []string{"328839"},
			tx("A system mailbox has no database (homeMDB is empty)",
				"Skrzynka systemowa nie ma bazy danych (pusty atrybut homeMDB)"),
			tx(`The error context holds "[ERROR] Database is mandatory on UserMailbox": an arbitration, discovery or other system mailbox has an empty homeMDB attribute, usually because the server that hosted it was removed without moving it first.`+ctxDocEN+runDocEN+genDocEN,
				`Kontekst błędu zawiera "[ERROR] Database is mandatory on UserMailbox": skrzynka arbitrażowa, wyszukiwania lub inna systemowa ma pusty atrybut homeMDB, zwykle dlatego, że serwer, na którym była, usunięto bez wcześniejszego przeniesienia skrzynki.`+ctxDocPL+runDocPL+genDocPL),
			tx(`Find the system mailboxes without a database: SetupAssist.ps1 from CSS-Exchange lists them, or "Get-Mailbox -Arbitration | Where-Object { -not $_.Database }" (likewise with -AuditLog, -Monitoring and the DiscoverySearchMailbox). Give each one a database with "Set-Mailbox '<mailbox DN>' -Database '<database>'" (add -Arbitration for arbitration mailboxes), then rerun Setup on {host}.`+genRemEN,
				`Znajdź skrzynki systemowe bez bazy danych: wyświetli je skrypt SetupAssist.ps1 z CSS-Exchange albo "Get-Mailbox -Arbitration | Where-Object { -not $_.Database }" (podobnie z -AuditLog, -Monitoring i dla DiscoverySearchMailbox). Przypisz każdej bazę poleceniem "Set-Mailbox '<DN skrzynki>' -Database '<baza>'" (dla skrzynek arbitrażowych dodaj -Arbitration), a potem ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// E8
		{problem: true, eval: contextRule(reMount, func(ms []setupMatch) map[string]string { return map[string]string{"database": ms[0].groups[1]} }), meta: sbMeta("setup-database-mount-failed", Error, []string{"328839"},
			tx("Setup could not mount a mailbox database",
				"Instalator nie mógł zamontować bazy danych skrzynek pocztowych"),
			tx(`The error context holds 'was run: "System.InvalidOperationException: Failed to mount database "<name>".': a Setup step needs the database mounted and mounting it failed.`+ctxDocEN+runDocEN+genDocEN,
				`Kontekst błędu zawiera 'was run: "System.InvalidOperationException: Failed to mount database "<nazwa>".': krok instalatora wymaga zamontowanej bazy, a jej zamontowanie się nie udało.`+ctxDocPL+runDocPL+genDocPL),
			tx(`Find out why database {database} does not mount ("Mount-Database '{database}'" shows the error; check the Application log for MSExchangeIS and ESE events, the free disk space, and the database state with "eseutil /mh"), get it mounted, then rerun Setup on {host}.`+genRemEN,
				`Ustal, dlaczego baza {database} się nie montuje ("Mount-Database '{database}'" pokaże błąd; sprawdź zdarzenia MSExchangeIS i ESE w dzienniku aplikacji, wolne miejsce na dysku i stan bazy poleceniem "eseutil /mh"), zamontuj ją, a potem ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// E9
		{problem: true, eval: evalSecurityGroupsOU, meta: sbMeta("setup-security-groups-ou-deleted", Error, []string{"328839"},
			tx("The 'Microsoft Exchange Security Groups' OU was deleted",
				"Usunięto jednostkę organizacyjną 'Microsoft Exchange Security Groups'"),
			tx(`In the error context a "System.NullReferenceException: Object reference not set to an instance of an object." line is directly followed by a stack frame in InitializeExchangeUniversalGroups.CreateOrMoveEWPGroup(ADGroup ewp, ADOrganizationalUnit usgContainer): Setup cannot find OU=Microsoft Exchange Security Groups at the root of the domain to put the Exchange Windows Permissions group in.`+ctxDocEN+runDocEN+genDocEN,
				`W kontekście błędu bezpośrednio po wierszu "System.NullReferenceException: Object reference not set to an instance of an object." występuje ramka stosu w InitializeExchangeUniversalGroups.CreateOrMoveEWPGroup(ADGroup ewp, ADOrganizationalUnit usgContainer): instalator nie znajduje OU=Microsoft Exchange Security Groups w katalogu głównym domeny, w której ma umieścić grupę Exchange Windows Permissions.`+ctxDocPL+runDocPL+genDocPL),
			tx(`Restore the organizational unit "Microsoft Exchange Security Groups" (and the groups it held) at the root of the domain from the AD Recycle Bin or a backup if you can; otherwise create the OU again at the domain root. Then run "setup.exe /PrepareAD `+acceptEN+`"`+acceptNoteEN+`, wait for replication and rerun Setup on {host}.`+genRemEN,
				`Przywróć jednostkę organizacyjną "Microsoft Exchange Security Groups" (wraz z grupami, które zawierała) w katalogu głównym domeny z Kosza usługi AD lub z kopii zapasowej, jeśli to możliwe; w przeciwnym razie utwórz tę jednostkę ponownie w katalogu głównym domeny. Potem uruchom "setup.exe /PrepareAD `+acceptPL+`"`+acceptNotePL+`, zaczekaj na replikację i ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// E10
		{problem: true, eval: evalServiceControl, meta: sbMeta("setup-servicecontrol-reverse-bug", Error, []string{"2034420", "328839"},
			tx(`ServiceControl.ps1 failed calling "Reverse" (no services to stop)`,
				`Skrypt ServiceControl.ps1 zawiódł przy wywołaniu "Reverse" (brak usług do zatrzymania)`),
			tx(`The error context holds both 'System.Management.Automation.MethodInvocationException: Exception calling "Reverse" with "1" argument' and "ServiceControl.ps1": a known defect in the StopServices function of ServiceControl.ps1 throws when no service matches. KB 2034420 describes another ServiceControl.ps1 failure that stops an Exchange update.`+ctxDocEN+runDocEN,
				`Kontekst błędu zawiera zarówno 'System.Management.Automation.MethodInvocationException: Exception calling "Reverse" with "1" argument', jak i "ServiceControl.ps1": znana wada funkcji StopServices w ServiceControl.ps1 zgłasza wyjątek, gdy żadna usługa nie pasuje. KB 2034420 opisuje inny błąd ServiceControl.ps1, który przerywa aktualizację Exchange.`+ctxDocPL+runDocPL),
			tx(`On {host}, back up <Exchange install path>\Bin\ServiceControl.ps1, then in its StopServices function, right after the line "$services = Get-ServiceToControl $Roles -Active", add the line "if ($services -eq $null) { return $true }". Save the file and rerun Setup. See KB 2034420.`,
				`Na serwerze {host} zrób kopię pliku <ścieżka instalacji Exchange>\Bin\ServiceControl.ps1, a potem w jego funkcji StopServices, zaraz po wierszu "$services = Get-ServiceToControl $Roles -Active", dodaj wiersz "if ($services -eq $null) { return $true }". Zapisz plik i ponów instalację. Zobacz KB 2034420.`)),
		},
		// E11
		{problem: true, eval: evalVdir, meta: sbMeta("setup-virtual-directory-failed", Error, []string{"328839"},
			tx("Setup could not create an IIS virtual directory",
				"Instalator nie mógł utworzyć katalogu wirtualnego IIS"),
			tx(`The error context holds "[ERROR] The virtual directory '<name>' already exists under '<site>'", "[ERROR] The operation couldn't be performed because object '<name>' couldn't be found on", or "[ERROR] Process execution failed with exit code" together with "System32\inetSrv\appCmd.exe": the virtual directories in Active Directory and in IIS disagree.`+ctxDocEN+runDocEN+genDocEN,
				`Kontekst błędu zawiera "[ERROR] The virtual directory '<nazwa>' already exists under '<witryna>'", "[ERROR] The operation couldn't be performed because object '<nazwa>' couldn't be found on" albo "[ERROR] Process execution failed with exit code" razem z "System32\inetSrv\appCmd.exe": katalogi wirtualne w Active Directory i w IIS się nie zgadzają.`+ctxDocPL+runDocPL+genDocPL),
			tx(`Setup could not (re)create a virtual directory on {host}: {detail}. Compare what AD says (the Get-*VirtualDirectory cmdlets with -Server {host} -ShowMailboxVirtualDirectories) with IIS Manager or %windir%\System32\inetsrv\config\applicationHost.config, remove the leftover or orphaned entry (Remove-*VirtualDirectory, or delete the IIS application) so that both agree; SetupAssist.ps1 from CSS-Exchange reports the mismatches. Then rerun Setup.`+genRemEN,
				`Instalator nie mógł utworzyć (ponownie) katalogu wirtualnego na serwerze {host}: {detail}. Porównaj stan w AD (polecenia Get-*VirtualDirectory z -Server {host} -ShowMailboxVirtualDirectories) z Menedżerem IIS lub plikiem %windir%\System32\inetsrv\config\applicationHost.config, usuń pozostałość lub osierocony wpis (Remove-*VirtualDirectory albo usunięcie aplikacji IIS), aby oba się zgadzały; niezgodności wskaże skrypt SetupAssist.ps1 z CSS-Exchange. Potem ponów instalację.`+genRemPL)),
		},
		// E12
		{problem: true, eval: contextRule(reFromBin, func(ms []setupMatch) map[string]string { return map[string]string{"script": ms[0].groups[1]} }), meta: sbMeta("setup-run-from-bin-folder", Error, []string{"328839"},
			tx("Setup was started from the Exchange Bin folder instead of the new media",
				"Instalator uruchomiono z folderu Bin Exchange zamiast z nowego nośnika"),
			tx(`The error context holds "The term '...\V15\Bin\ManageScheduledTask.ps1' is not recognized as the name of a cmdlet, function, script file, or operable program": PowerShell ran the setup.exe of the installed Exchange (found through PATH) rather than the one on the new media, which happens when "setup.exe" is typed without ".\". Microsoft's article "Exchange Server setup doesn't run as expected if you start it from PowerShell using setup.exe" explains it.`+ctxDocEN+runDocEN+genDocEN,
				`Kontekst błędu zawiera "The term '...\V15\Bin\ManageScheduledTask.ps1' is not recognized as the name of a cmdlet, function, script file, or operable program": PowerShell uruchomił setup.exe zainstalowanego Exchange (znaleziony przez PATH), a nie ten z nowego nośnika, co się zdarza, gdy wpisze się "setup.exe" bez ".\". Wyjaśnia to artykuł Microsoft "Exchange Server setup doesn't run as expected if you start it from PowerShell using setup.exe".`+ctxDocPL+runDocPL+genDocPL),
			tx(`On {host}, change to the root of the new Exchange media and start Setup as ".\setup.exe /m:upgrade `+acceptEN+`"`+acceptNoteEN+`, or with its full path (for example D:\setup.exe), never as a bare "setup.exe".`+genRemEN,
				`Na serwerze {host} przejdź do katalogu głównego nowego nośnika Exchange i uruchom instalator jako ".\setup.exe /m:upgrade `+acceptPL+`"`+acceptNotePL+` albo z pełną ścieżką (np. D:\setup.exe), nigdy jako samo "setup.exe".`+genRemPL)),
		},
		// R1
		{problem: true, eval: evalDomainPermissions, meta: sbMeta("setup-ad-permissions-insufficient", Error, []string{"2872882", "328839"},
			tx("Setup lacks the right to write permissions on an AD object (INSUFF_ACCESS_RIGHTS)",
				"Instalator nie ma prawa zapisu uprawnień obiektu AD (INSUFF_ACCESS_RIGHTS)"),
			tx(`The run's last ERROR-REFERENCE Id is DomainGlobalConfig___27a706ffe123425f9ee60cb02b930e81 (domain permissions step of /PrepareDomain or /PrepareAD), and from the line before the first error through that reference the log holds "SecErr: DSID-... problem 4003 (INSUFF_ACCESS_RIGHTS)". The line before the first error, "Used domain controller <DC> to read object <DN>.", names the object. KB 2872882 shows another Active Directory error that stops organization preparation.`+runDocEN,
				`Ostatni identyfikator ERROR-REFERENCE przebiegu to DomainGlobalConfig___27a706ffe123425f9ee60cb02b930e81 (krok uprawnień domeny w /PrepareDomain lub /PrepareAD), a od wiersza przed pierwszym błędem do tego odwołania dziennik zawiera "SecErr: DSID-... problem 4003 (INSUFF_ACCESS_RIGHTS)". Wiersz przed pierwszym błędem, "Used domain controller <DC> to read object <DN>.", wskazuje obiekt. KB 2872882 pokazuje inny błąd Active Directory, który przerywa przygotowanie organizacji.`+runDocPL),
			tx(`Setup, running as {user}, could not write access control entries on {object} through {dc}. Look for Deny entries on the object that apply to {user} or its groups ("dsacls '{object}'"), make sure {user} is in Enterprise Admins (Enterprise Admins and BUILTIN\Administrators normally hold this right), or as a last resort give {user} Full Control on {object}; then rerun Setup (or /PrepareDomain) on {host}. See KB 2872882.`,
				`Instalator uruchomiony jako {user} nie mógł zapisać wpisów kontroli dostępu obiektu {object} przez kontroler {dc}. Poszukaj na obiekcie wpisów Odmów dotyczących konta {user} lub jego grup ("dsacls '{object}'"), upewnij się, że {user} należy do grupy Enterprise Admins (Enterprise Admins i BUILTIN\Administratorzy zwykle mają to prawo), albo w ostateczności nadaj kontu {user} pełną kontrolę nad {object}; potem ponów instalację (lub /PrepareDomain) na serwerze {host}. Zobacz KB 2872882.`)),
		},
		// R2
		{problem: true, eval: evalFips, meta: sbMeta("setup-fips-config-access-denied", Error, []string{"328839"},
			tx("Setup was denied access to the FIP-FS anti-malware configuration",
				"Instalator nie uzyskał dostępu do konfiguracji ochrony przed złośliwym oprogramowaniem FIP-FS"),
			tx(`The run's last ERROR-REFERENCE Id is BridgeheadComponent___9FAA17C4-73D7-4E6D-9012-6274971434D5 (the anti-malware upgrade step) and the error context holds "Access to the path is denied.": Setup could not update \V15\FIP-FS\Data\Configuration.xml.`+ctxDocEN+runDocEN+genDocEN,
				`Ostatni identyfikator ERROR-REFERENCE przebiegu to BridgeheadComponent___9FAA17C4-73D7-4E6D-9012-6274971434D5 (krok uaktualnienia ochrony przed złośliwym oprogramowaniem), a kontekst błędu zawiera "Access to the path is denied.": instalator nie mógł zaktualizować pliku \V15\FIP-FS\Data\Configuration.xml.`+ctxDocPL+runDocPL+genDocPL),
			tx(`On {host}, check that SYSTEM and Administrators have Full Control on <Exchange install path>\FIP-FS\Data and its Configuration.xml, that the file is not read-only, and that no antivirus or backup agent holds it (Process Monitor shows which process is denied); fix it and rerun Setup.`+genRemEN,
				`Na serwerze {host} sprawdź, czy SYSTEM i Administratorzy mają pełną kontrolę nad <ścieżka instalacji Exchange>\FIP-FS\Data i plikiem Configuration.xml, czy plik nie jest tylko do odczytu i czy nie blokuje go program antywirusowy lub agent kopii zapasowych (Process Monitor pokaże, któremu procesowi odmówiono dostępu); popraw to i ponów instalację.`+genRemPL)),
		},
		// R3
		{problem: true, eval: evalMultiEas, meta: sbMeta("setup-multiple-activesync-vdirs", Error, []string{"328839"},
			tx("The server has more than one Exchange ActiveSync virtual directory",
				"Serwer ma więcej niż jeden katalog wirtualny Exchange ActiveSync"),
			tx(`The run's last ERROR-REFERENCE Id is CafeComponent___e1130a139a734d90b6c5eec88868fbe9 and, from the line before the first error through that reference, the log holds "Cannot convert 'System.Object[]' to the type 'Microsoft.Exchange.Configuration.Tasks.VirtualDirectoryIdParameter'": Setup expected one ActiveSync virtual directory and got a list.`+runDocEN+genDocEN,
				`Ostatni identyfikator ERROR-REFERENCE przebiegu to CafeComponent___e1130a139a734d90b6c5eec88868fbe9, a od wiersza przed pierwszym błędem do tego odwołania dziennik zawiera "Cannot convert 'System.Object[]' to the type 'Microsoft.Exchange.Configuration.Tasks.VirtualDirectoryIdParameter'": instalator oczekiwał jednego katalogu wirtualnego ActiveSync, a dostał listę.`+runDocPL+genDocPL),
			tx(`Run "Get-ActiveSyncVirtualDirectory -Server {host}": it must return one directory. Remove the extra, custom one with Remove-ActiveSyncVirtualDirectory (keep "Microsoft-Server-ActiveSync (Default Web Site)"), then rerun Setup.`+genRemEN,
				`Uruchom "Get-ActiveSyncVirtualDirectory -Server {host}": polecenie musi zwrócić jeden katalog. Usuń dodatkowy, niestandardowy katalog poleceniem Remove-ActiveSyncVirtualDirectory (zostaw "Microsoft-Server-ActiveSync (Default Web Site)"), a potem ponów instalację.`+genRemPL)),
		},
		// C1
		{problem: true, eval: evalCertificate, meta: sbMeta("setup-certificate-expired", Error, []string{"328839"},
			tx("A certificate Setup installs for a web site has expired",
				"Certyfikat, który instalator instaluje dla witryny, wygasł"),
			tx(`The run holds "[ERROR] The certificate is expired."; the last "Installing certificate signed by '<issuer>' for site '<certificate>'. Certificate is valid from <date> until <date>" line of the run names the certificate and its end date.`+runDocEN+genDocEN,
				`Przebieg zawiera "[ERROR] The certificate is expired."; ostatni wiersz "Installing certificate signed by '<wystawca>' for site '<certyfikat>'. Certificate is valid from <data> until <data>" tego przebiegu podaje certyfikat i datę końca ważności.`+runDocPL+genDocPL),
			tx(`The certificate {cert} expired on {until}. Renew or replace it (New-ExchangeCertificate or Import-ExchangeCertificate, then Enable-ExchangeCertificate -Services IIS), remove the expired one, restart {host}, then run Setup again.`+genRemEN,
				`Certyfikat {cert} wygasł {until}. Odnów go lub zastąp (New-ExchangeCertificate albo Import-ExchangeCertificate, potem Enable-ExchangeCertificate -Services IIS), usuń wygasły certyfikat, uruchom ponownie serwer {host}, a potem ponów instalację.`+genRemPL)),
		},
		// H1
		{problem: true, eval: evalHybrid, meta: sbMeta("setup-hybrid-org-relationship-uri-missing", Error, []string{"328839"},
			tx("An organization relationship has no TargetApplicationUri",
				"Relacja organizacji nie ma wartości TargetApplicationUri"),
			tx(`Setup's rule DidOnPremisesSettingCreatedAnException evaluated True: the hybrid check threw because an organization relationship has an empty TargetApplicationUri. Within 20 lines of the last "Evaluated [Setting:IsHybridObjectFoundOnPremises]" line, the single "Searching for <uri> as the TargetApplicationUri" line gives the value to set.`+runDocEN+genDocEN,
				`Reguła instalatora DidOnPremisesSettingCreatedAnException ma wartość True: kontrola środowiska hybrydowego zgłosiła wyjątek, bo relacja organizacji ma pustą wartość TargetApplicationUri. W odległości 20 wierszy od ostatniego wiersza "Evaluated [Setting:IsHybridObjectFoundOnPremises]" jedyny wiersz "Searching for <uri> as the TargetApplicationUri" podaje wartość do ustawienia.`+runDocPL+genDocPL),
			tx(`List the organization relationships ("Get-OrganizationRelationship | Format-List Name,TargetApplicationUri"), set the missing value on the one without it ("Set-OrganizationRelationship <name> -TargetApplicationUri {uri}"), then rerun Setup on {host}.`+genRemEN,
				`Wyświetl relacje organizacji ("Get-OrganizationRelationship | Format-List Name,TargetApplicationUri"), ustaw brakującą wartość w relacji, która jej nie ma ("Set-OrganizationRelationship <nazwa> -TargetApplicationUri {uri}"), a potem ponów instalację na serwerze {host}.`+genRemPL)),
		},
		// S1
		{problem: true, eval: evalSharedConfig, meta: sbMeta("setup-shared-config-dc-failed", Error, []string{"328839"},
			tx("Setup could not set the shared configuration domain controller",
				"Instalator nie mógł ustawić kontrolera domeny konfiguracji współdzielonej"),
			tx(`The run holds "[ERROR] Unable to set shared config DC" and an ERROR-REFERENCE with Id AllADRolesCommonServiceControl___ee47ab1c06fb47919398e2e95ed99c6c. The last "An error ocurred while setting shared config DC. Error: ..." line (the product's spelling) gives the inner error; "Topology Provider coundn't find the Microsoft Exchange Active Directory Topology service" means the MSExchangeADTopology service was not running.`+runDocEN+genDocEN,
				`Przebieg zawiera "[ERROR] Unable to set shared config DC" i ERROR-REFERENCE o identyfikatorze AllADRolesCommonServiceControl___ee47ab1c06fb47919398e2e95ed99c6c. Ostatni wiersz "An error ocurred while setting shared config DC. Error: ..." (pisownia produktu) podaje błąd wewnętrzny; "Topology Provider coundn't find the Microsoft Exchange Active Directory Topology service" oznacza, że usługa MSExchangeADTopology nie działała.`+runDocPL+genDocPL),
			tx(`Setup on {host} could not set the shared configuration domain controller. {detail}`+genRemEN,
				`Instalator na serwerze {host} nie mógł ustawić kontrolera domeny konfiguracji współdzielonej. {detail}`+genRemPL)),
		},
		// D1
		{problem: true, eval: evalDelegated, meta: sbMeta("setup-delegated-rights-missing", Error, []string{"2961741"},
			tx("A delegated Setup lacks the rights it needs on the server object",
				"Instalacja delegowana nie ma wymaganych uprawnień do obiektu serwera"),
			tx(`A delegated Setup (the account is neither an Enterprise Admin nor in Organization Management, and the rule DelegatedMailboxFirstInstall is not True) fails when the server was not provisioned in AD first (setting ServerAlreadyExists False), or when the account has extra rights on the provisioned server object (setting HasServerDelegatedPermsBlocked has a value) without being in the Server Management role group (setting ServerManagement False). KB 2961741 describes the second case. The reviewer runs this check only when asked (-DelegatedSetup); here it runs on every log but only reports these two failing cases.`+runDocEN,
				`Instalacja delegowana (konto nie jest członkiem Enterprise Admins ani Organization Management, a reguła DelegatedMailboxFirstInstall nie ma wartości True) kończy się błędem, gdy serwera nie zainicjowano wcześniej w AD (ustawienie ServerAlreadyExists ma wartość False) albo gdy konto ma dodatkowe uprawnienia do zainicjowanego obiektu serwera (ustawienie HasServerDelegatedPermsBlocked ma wartość), a nie należy do grupy ról Server Management (ustawienie ServerManagement ma wartość False). KB 2961741 opisuje drugi przypadek. Skrypt firmy Microsoft wykonuje tę kontrolę tylko na żądanie (-DelegatedSetup); tutaj działa dla każdego dziennika, ale zgłasza tylko te dwa błędne przypadki.`+runDocPL),
			tx(`Delegated Setup on {host} cannot go on: {reason} See KB 2961741.`,
				`Instalacja delegowana na serwerze {host} nie może być kontynuowana: {reason} Zobacz KB 2961741.`)),
		},
		// Same-build rerun
		{eval: evalSameBuild, meta: sbMeta("setup-same-build-rerun", Warning, []string{"328839"},
			tx("Setup ran at the build that is already installed",
				"Instalator uruchomiono w wersji, która jest już zainstalowana"),
			tx(`In a run whose mode is not Install, "Setup version: X." equals the installed build ("The backup copy of the previously installed version is 'X'.", else "The locally installed version is X."), or has the same minor and build numbers. Often PowerShell started the setup.exe of the installed Exchange found through PATH ("setup.exe" typed without ".\"), so the server was not updated even if Setup reports success (Microsoft's article "Exchange Server setup doesn't run as expected if you start it from PowerShell using setup.exe"). A deliberate rerun of the same update after a failure also fires the rule, hence a warning. It is reported whatever the outcome.`+runDocEN+genDocEN,
				`W przebiegu, którego tryb nie jest Install, "Setup version: X." równa się zainstalowanej wersji ("The backup copy of the previously installed version is 'X'.", a bez niego "The locally installed version is X.") albo ma te same numery pomocniczy i kompilacji. Często PowerShell uruchomił setup.exe zainstalowanego Exchange znaleziony przez PATH ("setup.exe" wpisane bez ".\"), więc serwer nie został zaktualizowany, nawet jeśli instalator zgłasza sukces (artykuł Microsoft "Exchange Server setup doesn't run as expected if you start it from PowerShell using setup.exe"). Reguła zadziała też przy celowym ponowieniu tej samej aktualizacji po błędzie, dlatego to ostrzeżenie. Jest zgłaszana bez względu na wynik.`+runDocPL+genDocPL),
			tx(`Setup {setupbuild} ran in mode {mode} on {host}, where {localbuild} is already installed. If you meant to install a newer update, start the setup.exe of the new media: change to its root and run ".\setup.exe /m:upgrade `+acceptEN+`"`+acceptNoteEN+` (or give its full path, e.g. D:\setup.exe). If you reran the same update on purpose, nothing is wrong.`+genRemEN,
				`Instalator {setupbuild} działał w trybie {mode} na serwerze {host}, na którym jest już zainstalowana wersja {localbuild}. Jeśli zamiarem była nowsza aktualizacja, uruchom setup.exe z nowego nośnika: przejdź do jego katalogu głównego i wpisz ".\setup.exe /m:upgrade `+acceptPL+`"`+acceptNotePL+` (albo podaj pełną ścieżkę, np. D:\setup.exe). Jeśli ta sama aktualizacja była ponawiana celowo, wszystko jest w porządku.`+genRemPL)),
		},
		// Success
		{eval: evalSucceeded, meta: sbMeta("setup-succeeded", Info, []string{"328839"},
			tx("The last Exchange Setup run completed successfully",
				"Ostatni przebieg instalatora Exchange zakończył się powodzeniem"),
			tx(`The setup run that decides the verdict holds "The Exchange Server setup operation completed successfully.". Failures in earlier runs of the same log are history and are not reported.`+runDocEN+genDocEN,
				`Przebieg instalatora, który rozstrzyga o wyniku, zawiera "The Exchange Server setup operation completed successfully.". Błędy z wcześniejszych przebiegów w tym samym dzienniku to historia i nie są zgłaszane.`+runDocPL+genDocPL),
			tx(`Nothing to fix: Setup {setupbuild} (mode {mode}) completed on {host}. Check the build with "Get-ExchangeServer {host} | Format-List AdminDisplayVersion" and, as KB 328839 advises after every update, that the Exchange services are running.`,
				`Nie ma czego naprawiać: instalator {setupbuild} (tryb {mode}) zakończył pracę na serwerze {host}. Sprawdź wersję poleceniem "Get-ExchangeServer {host} | Format-List AdminDisplayVersion" oraz, jak zaleca KB 328839 po każdej aktualizacji, czy usługi Exchange działają.`)),
		},
	}
}
