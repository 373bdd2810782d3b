package detectors

import (
	"strings"

	"github.com/extriage/extriage/parsers/textio"
)

// The evaluations of the section B Go rules on a verdict run. Each returns
// the hits of its rule, or nil.

func evalDCOutOfSite(v *setupVerdict) []Hit {
	ev, ok := v.is("rule", "DomainControllerIsOutOfSite", "true")
	if !ok {
		return nil
	}
	evs := []Evidence{ev}
	vals := map[string]string{
		"dc": "(not in the log)", "dc@pl": "(brak w dzienniku)",
		"dcsite": "(empty)", "dcsite@pl": "(pusta)",
		"site": "(unknown)", "site@pl": "(nieznana)",
	}
	set := func(key, name string) {
		if e, ok := v.fileValue("setting", name); ok {
			vals[key] = e.value
			delete(vals, key+"@pl")
			evs = append(evs, e.ev)
		}
	}
	set("dc", "DomainController")
	set("dcsite", "DomainControllerSiteName")
	set("site", "SiteName")
	return hit(evs, vals)
}

func evalDomainNotPrepared(v *setupVerdict) []Hit {
	a, ok1 := v.is("setting", "LocalDomainIsPrepped", "false")
	b, ok2 := v.is("rule", "DomainPrepRequired", "true")
	if !ok1 || !ok2 {
		return nil
	}
	return hit([]Evidence{a, b}, nil)
}

func evalWatermark(v *setupVerdict) []Hit {
	if v.rs.watermark == nil {
		return nil
	}
	return hit([]Evidence{*v.rs.watermark}, nil)
}

func evalOrgManagement(v *setupVerdict) []Hit {
	a, ok1 := v.is("setting", "ExOrgAdmin", "false")
	sid, ok2 := v.fileValue("setting", "SidExOrgAdmins")
	b, ok3 := v.is("rule", "DelegatedMailboxFirstInstall", "true")
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	return hit([]Evidence{a, sid.ev, b}, userValues(v, map[string]string{"sid": sid.value}))
}

func evalPrepareADNotRun(v *setupVerdict) []Hit {
	a, ok := v.is("setting", "ExOrgAdmin", "false")
	if !ok {
		return nil
	}
	if _, found := v.fileValue("setting", "SidExOrgAdmins"); found {
		return nil
	}
	return hit([]Evidence{a}, userValues(v, nil))
}

func evalMsi(v *setupVerdict) []Hit {
	lines := v.withPre(setupPreLines, v.rs.ctx)
	var ms []setupMatch
	for _, re := range reMsi {
		ms = append(ms, findAll(lines, re)...)
	}
	if news := findAll(lines, reMsiNew); len(news) > 0 {
		if refs := findAll(lines, reMsiNewRef); len(refs) > 0 {
			ms = append(ms, news[0], refs[0])
		}
	}
	if len(ms) == 0 {
		return nil
	}
	vals := map[string]string{}
	if b := v.run.LocalBuild; b != "" {
		vals["localbuild"] = b
	} else {
		vals["localbuild"] = "(not in the log: see Get-ExchangeServer)"
		vals["localbuild@pl"] = "(brak w dzienniku: zobacz Get-ExchangeServer)"
	}
	for _, m := range ms {
		if len(m.groups) > 1 && m.groups[1] != "" {
			vals["product"] = m.groups[1]
			break
		}
	}
	return hit(sortedEvidence(evidenceOf(ms)), vals)
}

// sortedEvidence orders evidence by line and drops repeats.
func sortedEvidence(evs []Evidence) []Evidence {
	out := make([]Evidence, 0, len(evs))
	for _, e := range evs {
		i := len(out)
		dup := false
		for j, o := range out {
			if o.Line == e.Line && o.Path == e.Path {
				dup = true
				break
			}
			if o.Line > e.Line && i == len(out) {
				i = j
			}
		}
		if dup {
			continue
		}
		out = append(out, Evidence{})
		copy(out[i+1:], out[i:])
		out[i] = e
	}
	return out
}

// evalDisabled is E2; the service's name comes from a "Cannot start
// service X on computer" line of the context when there is one.
func evalDisabled(v *setupVerdict) []Hit {
	ctx := v.errorContext()
	ms := findAll(ctx, reDisabled)
	if len(ms) == 0 {
		return nil
	}
	vals := map[string]string{"service": "name not in the log", "service@pl": "nazwy nie ma w dzienniku"}
	if names := findAll(ctx, reServiceName); len(names) > 0 {
		vals["service"] = names[0].groups[1]
		delete(vals, "service@pl")
	}
	return hit(evidenceOf(ms), vals)
}

// evalExists is E4: the first "already exists" line of the context decides
// between the public folder tree case (pf) and the general one.
func evalExists(pf bool) func(v *setupVerdict) []Hit {
	return func(v *setupVerdict) []Hit {
		ms := findAll(v.errorContext(), reExists)
		if len(ms) == 0 {
			return nil
		}
		m := ms[0]
		isPF := strings.HasPrefix(strings.ToLower(m.groups[2]), "cn=folder hierarchies,cn=exchange administrative group")
		if isPF != pf {
			return nil
		}
		return hit([]Evidence{m.line.Evidence}, map[string]string{"dc": m.groups[1], "object": m.groups[2]})
	}
}

func evalSearchFoundation(v *setupVerdict) []Hit {
	ctx := v.errorContext()
	old := findAll(ctx, reSearchOld)
	ms := old
	if len(ms) == 0 {
		ms = findAll(ctx, reSearch)
	}
	if len(ms) == 0 {
		return nil
	}
	data := `<Exchange install path>\Bin\Search\Ceres\HostController\Data`
	dataPL := `<ścieżka instalacji Exchange>\Bin\Search\Ceres\HostController\Data`
	for _, m := range old {
		if len(m.groups) > 1 && m.groups[1] != "" {
			data, dataPL = m.groups[1], m.groups[1]
			break
		}
	}
	installer := `<Exchange install path>\Bin\Search\Ceres\Installer`
	installerPL := `<ścieżka instalacji Exchange>\Bin\Search\Ceres\Installer`
	if i := strings.Index(strings.ToLower(data), `\hostcontroller\data`); i > 0 {
		installer = data[:i] + `\Installer`
		installerPL = installer
	}
	vals := map[string]string{"datafolder": data}
	if len(old) > 0 {
		vals["cause"] = "nodes of an earlier Search Foundation install (system 'Fsis') are still in " + data + "."
		vals["cause@pl"] = "węzły wcześniejszej instalacji Search Foundation (system 'Fsis') nadal są w " + dataPL + "."
		vals["steps"] = `Make sure the services HostControllerService and MSExchangeFastSearch are stopped but not disabled; delete the subfolders of ` + data + `\Nodes\Fsis; in an elevated PowerShell go to ` + installer + ` and uninstall Search Foundation with ".\InstallConfig.ps1 -action U -DataFolder '` + data + `'"; then run Setup again.`
		vals["steps@pl"] = `Upewnij się, że usługi HostControllerService i MSExchangeFastSearch są zatrzymane, ale nie wyłączone; usuń podfoldery ` + dataPL + `\Nodes\Fsis; w PowerShell z podwyższonymi uprawnieniami przejdź do ` + installerPL + ` i odinstaluj Search Foundation poleceniem ".\InstallConfig.ps1 -action U -DataFolder '` + dataPL + `'"; potem ponów instalację.`
	} else {
		vals["cause"] = "the search services or their noderunner.exe processes did not come up."
		vals["cause@pl"] = "usługi wyszukiwania lub ich procesy noderunner.exe nie wystartowały."
		vals["steps"] = `Make sure HostControllerService and MSExchangeFastSearch are enabled and start, and that the four noderunner.exe processes stay up. To see the real error, configure Search Foundation by hand: stop both services, delete the subfolders of ` + data + `\Nodes\Fsis, then in ` + installer + ` run ".\InstallConfig.ps1 -action U -DataFolder '` + data + `'" and ".\InstallConfig.ps1 -action I -DataFolder '` + data + `'"; fix what fails, then run Setup again.`
		vals["steps@pl"] = `Upewnij się, że usługi HostControllerService i MSExchangeFastSearch są włączone i startują oraz że cztery procesy noderunner.exe działają stale. Aby zobaczyć właściwy błąd, skonfiguruj Search Foundation ręcznie: zatrzymaj obie usługi, usuń podfoldery ` + dataPL + `\Nodes\Fsis, potem w ` + installerPL + ` uruchom ".\InstallConfig.ps1 -action U -DataFolder '` + dataPL + `'" i ".\InstallConfig.ps1 -action I -DataFolder '` + dataPL + `'"; napraw to, co zawiedzie, i ponów instalację.`
	}
	return hit(evidenceOf(ms), vals)
}

func evalSecurityGroupsOU(v *setupVerdict) []Hit {
	ctx := v.errorContext()
	for i := 0; i+1 < len(ctx); i++ {
		if reNullRef.MatchString(ctx[i].Text) && reEWPGroup.MatchString(ctx[i+1].Text) {
			return hit([]Evidence{ctx[i].Evidence, ctx[i+1].Evidence}, nil)
		}
	}
	return nil
}

func evalServiceControl(v *setupVerdict) []Hit {
	ctx := v.errorContext()
	a, b := findAll(ctx, reReverse), findAll(ctx, reSvcControl)
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	return hit(sortedEvidence(append(evidenceOf(a), b[0].line.Evidence)), nil)
}

func evalVdir(v *setupVerdict) []Hit {
	ctx := v.errorContext()
	if ms := findAll(ctx, reVdirExists); len(ms) > 0 {
		return hit(evidenceOf(ms), map[string]string{
			"detail":    "the virtual directory '" + ms[0].groups[1] + "' already exists under '" + ms[0].groups[2] + "'",
			"detail@pl": "katalog wirtualny '" + ms[0].groups[1] + "' już istnieje w '" + ms[0].groups[2] + "'",
			"vdir":      ms[0].groups[1], "site": ms[0].groups[2],
		})
	}
	if ms := findAll(ctx, reVdirMissing); len(ms) > 0 {
		return hit(evidenceOf(ms), map[string]string{
			"detail":    "the object '" + ms[0].groups[1] + "' could not be found",
			"detail@pl": "nie znaleziono obiektu '" + ms[0].groups[1] + "'",
			"vdir":      ms[0].groups[1],
		})
	}
	exit, appcmd := findAll(ctx, reExitCode), findAll(ctx, reAppCmd)
	if len(exit) > 0 && len(appcmd) > 0 {
		return hit(sortedEvidence(append(evidenceOf(exit), appcmd[0].line.Evidence)), map[string]string{
			"detail":    "appcmd.exe failed while configuring IIS",
			"detail@pl": "appcmd.exe zakończył się błędem podczas konfigurowania IIS",
		})
	}
	return nil
}

// refContext is the error context with the line before the first error in
// front, as the reviewer's ERROR-REFERENCE checks read it.
func (v *setupVerdict) refContext() []setupLine { return v.withPre(1, v.errorContext()) }

func evalDomainPermissions(v *setupVerdict) []Hit {
	if !refIs(v, refDomainPermissions) {
		return nil
	}
	ctx := v.refContext()
	ms := findAll(ctx, reInsuff)
	if len(ms) == 0 {
		return nil
	}
	vals := userValues(v, map[string]string{
		"object": "the object named in the error", "object@pl": "obiekt wskazany w błędzie",
		"dc": "the domain controller named in the error", "dc@pl": "kontroler domeny wskazany w błędzie",
	})
	evs := []Evidence{}
	if len(v.rs.pre) > 0 {
		before := v.rs.pre[len(v.rs.pre)-1]
		if m := reReadObject.FindStringSubmatch(before.Text); m != nil {
			vals["dc"], vals["object"] = m[1], m[2]
			delete(vals, "dc@pl")
			delete(vals, "object@pl")
			evs = append(evs, before)
		}
	}
	evs = append(evs, evidenceOf(ms)...)
	evs = append(evs, v.rs.lastRef.ev)
	return hit(evs, vals)
}

func evalFips(v *setupVerdict) []Hit {
	if !refIs(v, refFipsConfig) {
		return nil
	}
	ms := findAll(v.errorContext(), rePathDenied)
	if len(ms) == 0 {
		return nil
	}
	return hit(append(evidenceOf(ms), v.rs.lastRef.ev), nil)
}

func evalMultiEas(v *setupVerdict) []Hit {
	if !refIs(v, refCafeVdir) {
		return nil
	}
	ms := findAll(v.refContext(), reObjArray)
	if len(ms) == 0 {
		return nil
	}
	return hit(append(evidenceOf(ms), v.rs.lastRef.ev), nil)
}

func evalCertificate(v *setupVerdict) []Hit {
	if v.rs.certErr == nil {
		return nil
	}
	evs := []Evidence{*v.rs.certErr}
	vals := map[string]string{
		"cert": "(not named in the log)", "cert@pl": "(nie wskazany w dzienniku)",
		"until": "(date not in the log)", "until@pl": "(brak daty w dzienniku)",
	}
	if v.rs.cert != nil {
		vals["cert"], vals["until"] = v.rs.cert["cert"], v.rs.cert["until"]
		delete(vals, "cert@pl")
		delete(vals, "until@pl")
		vals["issuer"] = v.rs.cert["signer"]
		evs = append([]Evidence{*v.rs.certEv}, evs...)
	}
	return hit(evs, vals)
}

// setupHybridWindow is how far from the IsHybridObjectFoundOnPremises line
// the reviewer looks for the TargetApplicationUri search.
const setupHybridWindow = 20

func evalHybrid(v *setupVerdict) []Hit {
	ev, ok := v.is("rule", "DidOnPremisesSettingCreatedAnException", "true")
	if !ok {
		return nil
	}
	evs := []Evidence{ev}
	vals := map[string]string{
		"uri":    "<the URI Setup searched for; see the log>",
		"uri@pl": "<URI, którego szukał instalator; zobacz dziennik>",
	}
	if l := v.rs.hybridEval; l > 0 {
		var near []setupEval
		for _, s := range v.rs.searches {
			if s.ev.Line >= l-setupHybridWindow && s.ev.Line <= l+setupHybridWindow {
				near = append(near, s)
			}
		}
		if len(near) == 1 {
			vals["uri"] = near[0].value
			delete(vals, "uri@pl")
			evs = append(evs, near[0].ev)
		}
	}
	return hit(evs, vals)
}

func evalSharedConfig(v *setupVerdict) []Hit {
	rs := v.rs
	if rs.sharedErr == nil || rs.sharedRef == nil {
		return nil
	}
	evs := []Evidence{}
	vals := map[string]string{}
	keep := " NOTE: after the first failure the service often does not stay started; keep MSExchangeADTopology running during the whole of Setup."
	keepPL := " UWAGA: po pierwszym błędzie usługa często nie pozostaje uruchomiona; pilnuj, aby MSExchangeADTopology działała przez cały czas instalacji."
	switch {
	case rs.inner.value != "" && textio.ContainsFold(rs.inner.value, "find the microsoft exchange active directory topology service"):
		evs = append(evs, rs.inner.ev)
		vals["inner"] = rs.inner.value
		vals["detail"] = `The Microsoft Exchange Active Directory Topology service (MSExchangeADTopology) was not running ("` + rs.inner.value + `"). Start it ("Start-Service MSExchangeADTopology") before Setup and make sure it keeps running during the whole of Setup after the files are copied; if it stops again, fix the errors it logs in the Application log (often it finds no suitable domain controller) before you rerun Setup.`
		vals["detail@pl"] = `Usługa Microsoft Exchange Active Directory Topology (MSExchangeADTopology) nie działała ("` + rs.inner.value + `"). Uruchom ją ("Start-Service MSExchangeADTopology") przed instalacją i dopilnuj, aby działała przez cały czas instalacji po skopiowaniu plików; jeśli znów się zatrzyma, usuń przyczyny błędów, które zapisuje w dzienniku aplikacji (często nie znajduje odpowiedniego kontrolera domeny), zanim ponowisz instalację.`
	case rs.inner.value != "" || rs.catch.value != "":
		e := rs.inner
		if e.value == "" {
			e = rs.catch
		}
		evs = append(evs, e.ev)
		vals["inner"] = e.value
		vals["detail"] = `The topology service was reached but answered: "` + e.value + `". Read this error and the Application log to see why Exchange cannot use Active Directory, fix that, and rerun Setup.` + keep
		vals["detail@pl"] = `Usługa topologii odpowiedziała, ale zwróciła błąd: "` + e.value + `". Przeczytaj ten błąd i dziennik aplikacji, aby ustalić, dlaczego Exchange nie może korzystać z Active Directory, usuń przyczynę i ponów instalację.` + keepPL
	default:
		vals["detail"] = `The log gives no inner error. Start MSExchangeADTopology, look for its errors in the Application log after it starts, fix them, and rerun Setup.` + keep
		vals["detail@pl"] = `Dziennik nie podaje błędu wewnętrznego. Uruchom MSExchangeADTopology, po jej starcie poszukaj jej błędów w dzienniku aplikacji, usuń je i ponów instalację.` + keepPL
	}
	evs = append(evs, *rs.sharedErr, *rs.sharedRef)
	return hit(sortedEvidence(evs), vals)
}

func evalDelegated(v *setupVerdict) []Hit {
	ea, ok1 := v.is("setting", "EnterpriseAdmin", "false")
	org, ok2 := v.is("setting", "ExOrgAdmin", "false")
	if !ok1 || !ok2 {
		return nil
	}
	if _, first := v.is("rule", "DelegatedMailboxFirstInstall", "true"); first {
		return nil // not a delegated setup: setup-needs-organization-management
	}
	vals := userValues(v, nil)
	user := vals["user"]
	userPL := user
	if p, ok := vals["user@pl"]; ok {
		userPL = p
	}
	if ev, ok := v.is("setting", "ServerAlreadyExists", "false"); ok {
		vals["reason"] = "the server object does not exist in Active Directory and " + user + " is neither an Enterprise Admin nor in Organization Management. A delegated installation needs the server provisioned first by an administrator (\"setup.exe /NewProvisionedServer:<name> " + acceptEN + "\") and the installing account in the Delegated Setup role group; provision it, then rerun Setup."
		vals["reason@pl"] = "obiekt serwera nie istnieje w Active Directory, a " + userPL + " nie należy ani do Enterprise Admins, ani do Organization Management. Instalacja delegowana wymaga, aby administrator najpierw zainicjował serwer (\"setup.exe /NewProvisionedServer:<nazwa> " + acceptPL + "\"), a konto instalujące należało do grupy ról Delegated Setup; zainicjuj serwer, a potem ponów instalację."
		return hit([]Evidence{ea, org, ev}, vals)
	}
	perms, ok := v.eval("setting", "HasServerDelegatedPermsBlocked")
	if !ok || perms.value == "" {
		perms, ok = v.fileValue("setting", "HasServerDelegatedPermsBlocked")
		if !ok {
			return nil
		}
	}
	sm, ok := v.is("setting", "ServerManagement", "false")
	if !ok {
		return nil
	}
	vals["reason"] = user + " has extra rights on the provisioned server object but is not a member of the Server Management role group, and a delegated Setup then fails. Add the account to Server Management (\"Add-RoleGroupMember 'Server Management' -Member <user>\") or remove the extra permissions from the server object, sign in again and rerun Setup."
	vals["reason@pl"] = userPL + " ma dodatkowe uprawnienia do zainicjowanego obiektu serwera, ale nie należy do grupy ról Server Management, przez co instalacja delegowana kończy się błędem. Dodaj konto do Server Management (\"Add-RoleGroupMember 'Server Management' -Member <użytkownik>\") albo usuń dodatkowe uprawnienia z obiektu serwera, zaloguj się ponownie i ponów instalację."
	return hit([]Evidence{ea, org, perms.ev, sm}, vals)
}

// sameBuild reports whether Setup's build and the installed build are the
// same: equal, or with the same minor and build numbers, as the reviewer
// compares them.
func sameBuild(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" {
		return false
	}
	if strings.EqualFold(a, b) {
		return true
	}
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	return len(pa) >= 3 && len(pb) >= 3 && pa[1] == pb[1] && pa[2] == pb[2]
}

func evalSameBuild(v *setupVerdict) []Hit {
	run := v.run
	if strings.EqualFold(strings.TrimSpace(run.Mode), "install") || !sameBuild(run.SetupBuild, run.LocalBuild) {
		return nil
	}
	var evs []Evidence
	for _, e := range []*Evidence{v.rs.setupVersion, v.rs.backup, v.rs.installed} {
		if e != nil {
			evs = append(evs, *e)
		}
	}
	if v.rs.backup != nil && v.rs.installed != nil {
		evs = evs[:2] // the backup copy decides the installed build
	}
	return hit(evs, modeValues(run.Mode, map[string]string{"setupbuild": run.SetupBuild, "localbuild": run.LocalBuild}))
}

func modeValues(mode string, vals map[string]string) map[string]string {
	if mode != "" {
		vals["mode"] = mode
	} else {
		vals["mode"] = "not given"
		vals["mode@pl"] = "nie podano"
	}
	return vals
}

func evalSucceeded(v *setupVerdict) []Hit {
	if !v.succeeded() || v.rs.success == nil {
		return nil
	}
	vals := modeValues(v.run.Mode, map[string]string{"setupbuild": v.run.SetupBuild})
	if vals["setupbuild"] == "" {
		vals["setupbuild"] = "(build not in the log)"
		vals["setupbuild@pl"] = "(wersji nie ma w dzienniku)"
	}
	if v.run.Product != "" {
		vals["product"] = v.run.Product
	}
	return hit([]Evidence{*v.rs.success}, vals)
}
