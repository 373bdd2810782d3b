package detectors

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/detectors/builds"
	"github.com/extriage/extriage/parsers"
)

func init() {
	registerGoRule(&bundleRule{meta: frontendMixedMeta, check: checkFrontendMixed})
	registerGoRule(&bundleRule{meta: backendFirstMeta, check: checkBackendFirst})
	registerGoRule(&bundleRule{meta: clusterOrderMeta, check: checkClusterOrder})
	registerGoRule(&bundleRule{meta: iis831464Meta, check: checkIIS831464})
	registerGoRule(&bundleRule{meta: serviceAfterUpdateMeta, check: checkServiceAfterUpdate})
}

// bundleRule is a BundleRule made of metadata and a check function.
type bundleRule struct {
	meta  Meta
	check func(b *Bundle) []Hit
}

func (r *bundleRule) Meta() *Meta                 { return &r.meta }
func (r *bundleRule) CheckBundle(b *Bundle) []Hit { return r.check(b) }

// factsOf returns the facts of one kind, in bundle order.
func factsOf(b *Bundle, kind string) []Fact {
	var out []Fact
	for _, f := range b.Facts {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

// hostBuilds returns, per host, its newest build fact.
func hostBuilds(b *Bundle) map[string]Fact {
	out := map[string]Fact{}
	for _, f := range factsOf(b, FactVersion) {
		v, ok := builds.Parse(f.Values["build"])
		if !ok || f.Host == "" {
			continue
		}
		cur, seen := out[f.Host]
		if cv, _ := builds.Parse(cur.Values["build"]); !seen || cv.Compare(v) < 0 {
			out[f.Host] = f
		}
	}
	return out
}

// hostsWithRole returns the hosts a role fact names, sorted.
func hostsWithRole(b *Bundle, role string) []string {
	set := map[string]bool{}
	for _, f := range factsOf(b, FactRole) {
		if f.Values["role"] == role {
			set[f.Host] = true
		}
	}
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func describe(hosts []string, bf map[string]Fact) string {
	parts := make([]string, 0, len(hosts))
	for _, h := range hosts {
		f := bf[h]
		s := h + " " + f.Values["build"]
		if f.Values["level"] != "" {
			s += " (" + f.Values["level"] + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

var frontendMixedMeta = Meta{
	ID:       "frontend-mixed-versions",
	Title:    Text{EN: "Front-end servers run different Exchange builds", PL: "Serwery front-end mają różne wersje Exchange"},
	Severity: Warning,
	KB:       []string{"328839"},
	Doc: Text{
		EN: "KB 328839 asks that load-balanced Exchange 2003 front-end servers be upgraded together: while some run a " +
			"service pack and others do not, mobile devices can get synchronization key errors as their requests move " +
			"between front ends of different versions. The rule compares the builds that the bundle's evidence gives " +
			"for each server with the front-end role (version banners, setup logs, IsFrontEndServer lines).",
		PL: "KB 328839 zaleca jednoczesne uaktualnienie serwerów front-end Exchange 2003 w konfiguracji równoważenia " +
			"obciążenia: gdy część z nich ma dodatek Service Pack, a część nie, urządzenia przenośne mogą zgłaszać błędy " +
			"klucza synchronizacji, bo ich żądania trafiają na serwery front-end w różnych wersjach. Reguła porównuje " +
			"wersje, które dowody w pakiecie podają dla serwerów z rolą front-end (banery wersji, dzienniki instalacji, " +
			"wiersze IsFrontEndServer).",
	},
	Remedy: Text{
		EN: "The front-end servers are at different levels: {versions}. Take all load-balanced front ends offline, bring " +
			"each to the same service pack, then put them back online together. See KB 328839.",
		PL: "Serwery front-end mają różne poziomy: {versions}. Przełącz wszystkie serwery front-end z równoważenia " +
			"obciążenia do trybu offline, zainstaluj na każdym ten sam dodatek Service Pack i przywróć je razem do trybu " +
			"online. Zobacz KB 328839.",
	},
}

// levelKey is what two builds must share to be at the same level. Up to
// Exchange 2003 (major version 6) the fourth part is only the revision that
// one source or another prints for the same build (AdminDisplayVersion
// "Build 7638.2", a protocol banner 6.5.7638.1, a setup log 6.5.7638: all
// SP2), so it is left out; from Exchange 2007 on, updates differ there.
func levelKey(build string) string {
	v, ok := builds.Parse(build)
	if !ok {
		return build
	}
	if v.Parts[0] <= 6 {
		return strconv.Itoa(v.Parts[0]) + "." + strconv.Itoa(v.Parts[1]) + "." + strconv.Itoa(v.Parts[2])
	}
	return strconv.Itoa(v.Parts[0]) + "." + strconv.Itoa(v.Parts[1]) + "." + strconv.Itoa(v.Parts[2]) + "." + strconv.Itoa(v.Parts[3])
}

// compareLevels orders two builds as levelKey sees them.
func compareLevels(a, b builds.Version) int {
	if a.Parts[0] <= 6 && b.Parts[0] <= 6 {
		a.Parts[3], b.Parts[3] = 0, 0
	}
	return a.Compare(b)
}

// buildsOf returns, of the given hosts, those whose build the bundle
// knows, how many distinct builds they run, and the evidence of each.
func buildsOf(hosts []string, bf map[string]Fact) (known []string, distinct int, ev []Evidence) {
	seen := map[string]bool{}
	for _, h := range hosts {
		if f, ok := bf[h]; ok {
			if k := levelKey(f.Values["build"]); !seen[k] {
				seen[k] = true
				distinct++
			}
			known = append(known, h)
			ev = append(ev, f.Evidence)
		}
	}
	return known, distinct, ev
}

func checkFrontendMixed(b *Bundle) []Hit {
	bf := hostBuilds(b)
	known, distinct, ev := buildsOf(hostsWithRole(b, "front-end"), bf)
	if distinct < 2 {
		return nil
	}
	return []Hit{{Host: strings.Join(known, ", "), Evidence: ev, Values: map[string]string{"versions": describe(known, bf)}}}
}

var backendFirstMeta = Meta{
	ID:       "backend-before-frontend",
	Title:    Text{EN: "A back-end server was upgraded before the front-end servers", PL: "Serwer back-end uaktualniono przed serwerami front-end"},
	Severity: Warning,
	KB:       []string{"328839", "893624"},
	Doc: Text{
		EN: "With front-end and back-end servers, KB 328839 says to upgrade the front ends first: script files of an " +
			"older front end are not compatible with an upgraded back end (Outlook Web Access breaks), while an upgraded " +
			"front end works with older back ends. The rule fires when a back end runs a newer build than some front end.",
		PL: "W topologii front-end/back-end KB 328839 nakazuje najpierw uaktualnić serwery front-end: pliki skryptów " +
			"starszego serwera front-end nie współpracują z uaktualnionym serwerem back-end (przestaje działać Outlook Web " +
			"Access), a uaktualniony front-end działa ze starszymi serwerami back-end. Reguła zgłasza serwer back-end z " +
			"nowszą wersją niż któryś serwer front-end.",
	},
	Remedy: Text{
		EN: "Back end {backend} is ahead of front end(s) {frontends}. Upgrade every front-end server to the same service " +
			"pack now, and in future apply service packs and hotfixes to front ends first. See KB 328839.",
		PL: "Serwer back-end {backend} ma nowszą wersję niż serwery front-end {frontends}. Uaktualnij teraz wszystkie " +
			"serwery front-end do tego samego dodatku Service Pack, a w przyszłości instaluj dodatki i poprawki najpierw " +
			"na serwerach front-end. Zobacz KB 328839.",
	},
}

func checkBackendFirst(b *Bundle) []Hit {
	fe, be := hostsWithRole(b, "front-end"), hostsWithRole(b, "back-end")
	bf := hostBuilds(b)
	var hits []Hit
	for _, h := range be {
		bv, ok := builds.Parse(bf[h].Values["build"])
		if !ok {
			continue
		}
		var behind []string
		ev := []Evidence{bf[h].Evidence}
		for _, f := range fe {
			if fv, ok := builds.Parse(bf[f].Values["build"]); ok && compareLevels(fv, bv) < 0 {
				behind = append(behind, f)
				ev = append(ev, bf[f].Evidence)
			}
		}
		if len(behind) > 0 {
			hits = append(hits, Hit{Host: h, Evidence: ev, Values: map[string]string{
				"backend": describe([]string{h}, bf), "frontends": describe(behind, bf)}})
		}
	}
	return hits
}

var clusterOrderMeta = Meta{
	ID:       "cluster-upgrade-order",
	Title:    Text{EN: "Cluster nodes upgraded out of order", PL: "Węzły klastra uaktualniono w złej kolejności"},
	Severity: Warning,
	KB:       []string{"328839", "316708"},
	Doc: Text{
		EN: "Each Exchange version has its own order for clusters (KB 328839): 5.5 the active node first without failing " +
			"over; 2000 the passive node first; 2003 SP1 and later one node at a time, moving the Exchange Virtual Server " +
			"to the upgraded node and running \"Upgrade Exchange Virtual Server\" before the next node. The rule fires on " +
			"MSExchangeCluster 2146 or 2065 (the resource upgrade failed after a node was upgraded, KB 316708), and when " +
			"the nodes of one cluster are left at different builds.",
		PL: "Każda wersja Exchange ma własną kolejność dla klastrów (KB 328839): 5.5 najpierw węzeł aktywny, bez " +
			"przełączania; 2000 najpierw węzeł pasywny; 2003 z SP1 i nowsze po jednym węźle, z przeniesieniem serwera " +
			"wirtualnego Exchange na uaktualniony węzeł i poleceniem „Uaktualnij serwer wirtualny Exchange” przed " +
			"następnym węzłem. Reguła zgłasza zdarzenia MSExchangeCluster 2146 lub 2065 (nieudane uaktualnienie zasobu po " +
			"uaktualnieniu węzła, KB 316708) oraz węzły jednego klastra pozostawione w różnych wersjach.",
	},
	Remedy: Text{
		EN: "{what} Finish the rolling upgrade in the order KB 328839 gives for the version: {order} If the resource " +
			"upgrade fails (2146/2065), give the Cluster service account Exchange Full Administrator rights and local " +
			"administrator rights on every node (KB 316708). See KB 328839.",
		PL: "{what} Dokończ uaktualnianie w kolejności, którą KB 328839 podaje dla tej wersji: {order} Jeśli " +
			"uaktualnienie zasobu się nie udaje (2146/2065), nadaj kontu usługi klastrowania uprawnienia Exchange Full " +
			"Administrator i administratora lokalnego na każdym węźle (KB 316708). Zobacz KB 328839.",
	},
}

// clusterOrder is the upgrade order KB 328839 gives for a clustered
// Exchange server, per version, in English and Polish.
var clusterOrder = map[string]Text{
	"Exchange Server 5.5": {
		EN: "for Exchange 5.5, apply the service pack to the active node (the one that owns the Exchange group) first, " +
			"without failing over or moving the group, then to the passive node.",
		PL: "w Exchange 5.5 najpierw zainstaluj dodatek Service Pack na węźle aktywnym (właścicielu grupy Exchange), " +
			"nie przełączając awaryjnie ani nie przenosząc grupy, a potem na węźle pasywnym.",
	},
	"Exchange 2000 Server": {
		EN: "for Exchange 2000, apply it to the passive node first, move the Exchange and cluster groups to that node, " +
			"then apply it to the other node, now passive (active/active: first move every Exchange Virtual Server to " +
			"one node and upgrade the free node).",
		PL: "w Exchange 2000 najpierw zainstaluj go na węźle pasywnym, przenieś na ten węzeł grupy Exchange i klastra, " +
			"a potem zainstaluj go na drugim węźle, teraz pasywnym (active/active: najpierw przenieś wszystkie serwery " +
			"wirtualne Exchange na jeden węzeł i uaktualnij wolny węzeł).",
	},
	"Exchange Server 2003": {
		EN: "for Exchange 2003, move the Exchange Virtual Server off a node, apply the service pack there, move the EVS " +
			"to it, run \"Upgrade Exchange Virtual Server\" on the System Attendant resource, bring it online, then " +
			"upgrade the next node; one EVS at a time.",
		PL: "w Exchange 2003 przenieś serwer wirtualny Exchange z węzła, zainstaluj na nim dodatek Service Pack, " +
			"przenieś na niego serwer wirtualny, uruchom „Uaktualnij serwer wirtualny Exchange” na zasobie System " +
			"Attendant, przełącz go do trybu online, a potem uaktualnij następny węzeł; po jednym serwerze wirtualnym " +
			"naraz.",
	},
}

// orderFor returns the upgrade order for the Exchange version the bundle
// gives for the hosts, or, when it gives none or several, every version's.
func orderFor(b *Bundle, hosts ...string) map[string]string {
	products := map[string]bool{}
	for _, h := range hosts {
		if host := b.Hosts[h]; host != nil {
			if _, ok := clusterOrder[host.Product]; ok {
				products[host.Product] = true
			}
		}
	}
	var en, pl []string
	names := sortedKeys(products)
	if len(names) == 0 {
		names = []string{"Exchange Server 5.5", "Exchange 2000 Server", "Exchange Server 2003"}
	}
	for _, n := range names {
		en = append(en, clusterOrder[n].EN)
		pl = append(pl, clusterOrder[n].PL)
	}
	capFirst := func(s string) string { r := []rune(s); return strings.ToUpper(string(r[:1])) + string(r[1:]) }
	return map[string]string{"order": capFirst(strings.Join(en, " ")), "order@pl": capFirst(strings.Join(pl, " "))}
}

func checkClusterOrder(b *Bundle) []Hit {
	var hits []Hit
	// Resource upgrade failures after a node upgrade.
	for _, f := range factsOf(b, FactClusterResourceFailure) {
		hits = append(hits, Hit{Host: f.Host, Evidence: []Evidence{f.Evidence}, Key: "resource-upgrade",
			Values: map[string]string{
				"what":    "The Exchange cluster resource could not be upgraded after a node upgrade.",
				"what@pl": "Po uaktualnieniu węzła nie udało się uaktualnić zasobu klastra Exchange.",
			}})
	}
	// Nodes of the cluster at different builds.
	nodes := map[string]bool{}
	for _, f := range factsOf(b, FactClusterNode) {
		if f.Host != "" {
			nodes[f.Host] = true
		}
	}
	bf := hostBuilds(b)
	known, distinct, ev := buildsOf(sortedKeys(nodes), bf)
	if distinct > 1 {
		v := describe(known, bf)
		hits = append(hits, Hit{Host: strings.Join(known, ", "), Evidence: ev, Key: "mixed", Values: map[string]string{
			"what":    "The cluster nodes are at different builds: " + v + ".",
			"what@pl": "Węzły klastra mają różne wersje: " + v + ".",
		}})
	}
	// The remedy gives the order of the version the nodes run.
	for i := range hits {
		for k, v := range orderFor(b, strings.Split(hits[i].Host, ", ")...) {
			hits[i].Values[k] = v
		}
	}
	return hits
}

var iis831464Meta = Meta{
	ID:       "iis-hotfix-831464-missing",
	Title:    Text{EN: "IIS hotfix 831464 not found on a Windows Server 2003 cluster node", PL: "Nie znaleziono poprawki IIS 831464 na węźle klastra Windows Server 2003"},
	Severity: Warning,
	KB:       []string{"831464", "328839"},
	Doc: Text{
		EN: "Before an Exchange 2003 service pack on a Windows Server 2003 cluster, the IIS 6.0 hotfix 831464 belongs on " +
			"every node not yet upgraded (the rolling-upgrade procedure applies it and restarts the node first). The rule " +
			"fires for an Exchange 2003 cluster node running Windows Server 2003 (EventLog 6009 says 5.2) when the bundle " +
			"shows an update under way in the cluster (an install run, MSExchangeCluster 1025, error c1037b44) and nothing " +
			"in it mentions KB831464 for that node (a KB831464.log, an uninstall folder, a hotfix list).",
		PL: "Przed instalacją dodatku Service Pack Exchange 2003 w klastrze Windows Server 2003 na każdym jeszcze " +
			"nieuaktualnionym węźle powinna być poprawka IIS 6.0 831464 (procedura uaktualniania stopniowego instaluje ją " +
			"i najpierw restartuje węzeł). Reguła zgłasza węzeł klastra Exchange 2003 z Windows Server 2003 (zdarzenie " +
			"EventLog 6009 podaje 5.2), gdy pakiet pokazuje trwającą w klastrze aktualizację (przebieg instalacji, " +
			"zdarzenie MSExchangeCluster 1025, błąd c1037b44), a nic w nim nie wspomina KB831464 dla tego węzła " +
			"(KB831464.log, folder deinstalacji, lista poprawek).",
	},
	Remedy: Text{
		EN: "Check whether hotfix 831464 is installed on {host} (Add or Remove Programs with updates shown, or " +
			"%windir%\\KB831464.log). If it is not, install it, restart the node, and only then apply the Exchange 2003 " +
			"service pack there. See KB 831464 and KB 328839.",
		PL: "Sprawdź, czy na serwerze {host} jest poprawka 831464 (Dodaj lub usuń programy z widocznymi aktualizacjami " +
			"albo plik %windir%\\KB831464.log). Jeśli jej nie ma, zainstaluj ją, uruchom węzeł ponownie i dopiero wtedy " +
			"zainstaluj na nim dodatek Service Pack Exchange 2003. Zobacz KB 831464 i KB 328839.",
	},
}

func checkIIS831464(b *Bundle) []Hit {
	// Evidence of the hotfix counts for the host it belongs to; evidence
	// of no known host (a hotfix list of the whole case) for every node.
	has := map[string]bool{}
	for _, f := range factsOf(b, FactMention) {
		if f.Values["kb"] == "831464" {
			has[HostName(f.Host)] = true
		}
	}
	for _, in := range b.Inputs {
		if strings.Contains(in.Path, "831464") { // KB831464.log, $NtUninstallKB831464$\...
			has[HostName(in.Host)] = true
		}
	}
	if has[""] {
		return nil
	}
	os := map[string]Fact{}
	for _, f := range factsOf(b, FactOS) {
		os[f.Host] = f
	}
	ex2003 := map[string]Fact{}
	for _, f := range factsOf(b, FactVersion) {
		if f.Values["product"] == "Exchange Server 2003" {
			ex2003[f.Host] = f
		}
	}
	nodes := map[string]bool{}
	for _, f := range factsOf(b, FactClusterNode) {
		nodes[f.Host] = true
	}
	// The hotfix belongs before an Exchange 2003 service pack: the bundle
	// must show an update under way on a node of the cluster (an install
	// run, or MSExchangeCluster 1025 or error c1037b44, which only a node
	// with newer binaries than its EVS raises). An inventory of a cluster
	// with no update in it says nothing about the hotfix.
	upgrading := false
	for _, f := range b.Facts {
		src := f.Values["source"]
		if nodes[f.Host] && (f.Kind == FactInstall || f.Kind == FactVersion && (src == "MSExchangeCluster 1025" || src == "error c1037b44")) {
			upgrading = true
			break
		}
	}
	if !upgrading {
		return nil
	}
	var hits []Hit
	for _, h := range sortedKeys(nodes) {
		o, okOS := os[h]
		e, okEx := ex2003[h]
		if has[HostName(h)] || !okOS || !okEx || !strings.HasPrefix(o.Values["version"], "5.2") && o.Values["version"] != "5.02" {
			continue
		}
		hits = append(hits, Hit{Host: h, Evidence: []Evidence{o.Evidence, e.Evidence}})
	}
	return hits
}

var serviceAfterUpdateMeta = Meta{
	ID:       "exchange-service-failed-after-update",
	Title:    Text{EN: "Exchange service failed after an update was installed", PL: "Usługa Exchange uległa awarii po instalacji aktualizacji"},
	Severity: Warning,
	KB:       []string{"328839", "951402"},
	Doc: Text{
		EN: "Service Control Manager events 7000, 7009, 7023, 7024, 7031 or 7034 for an Exchange service, logged after " +
			"an update, service pack or setup run on the same server in the bundle: a half-applied update often leaves " +
			"services disabled, missing a dependency, or unable to start against files of two versions.",
		PL: "Zdarzenia Menedżera sterowania usługami 7000, 7009, 7023, 7024, 7031 lub 7034 dla usługi Exchange, zapisane " +
			"po instalacji aktualizacji, dodatku Service Pack lub po uruchomieniu instalatora na tym samym serwerze: " +
			"częściowo zastosowana aktualizacja często zostawia usługi wyłączone, bez zależności albo niezdolne do startu " +
			"z plikami dwóch wersji.",
	},
	Remedy: Text{
		EN: "On {host}, {services} failed after {install}. Check each service's startup type (set disabled Exchange " +
			"services back to Automatic), its dependencies (KB 951402), and the update's own log for a rollback; if the " +
			"update was only partly applied, run it again to completion before starting the services. See KB 328839.",
		PL: "Na serwerze {host} usługi {services} uległy awarii po {install}. Sprawdź typ uruchomienia każdej usługi " +
			"(wyłączone usługi Exchange ustaw z powrotem na Automatyczny), jej zależności (KB 951402) i dziennik " +
			"aktualizacji pod kątem wycofania zmian; jeśli aktualizacja została zastosowana tylko częściowo, uruchom ją " +
			"ponownie do końca, zanim uruchomisz usługi. Zobacz KB 328839.",
	},
}

func checkServiceAfterUpdate(b *Bundle) []Hit {
	installs := map[string][]Fact{}
	for _, f := range factsOf(b, FactInstall) {
		if !f.Time.IsZero() && f.Evidence.TimeQ != parsers.TimeNoDate {
			installs[f.Host] = append(installs[f.Host], f)
		}
	}
	type agg struct {
		ev       []Evidence
		services map[string]bool
		install  Fact
	}
	per := map[string]*agg{}
	var order []string
	for _, f := range factsOf(b, FactServiceFailure) {
		var last *Fact
		for i := range installs[f.Host] {
			in := &installs[f.Host][i]
			// Text logs are local time, events UTC: when either time has
			// no zone, allow the widest zone offset (14 hours) of slack,
			// never more; two exact times compare as they are.
			slack := time.Duration(0)
			if in.Evidence.TimeQ == parsers.TimeNoZone || f.Evidence.TimeQ == parsers.TimeNoZone {
				slack = 14 * time.Hour
			}
			if !in.Time.After(f.Time.Add(slack)) && f.Time.Sub(in.Time) < 7*24*time.Hour {
				if last == nil || in.Time.After(last.Time) {
					last = in
				}
			}
		}
		if last == nil {
			continue
		}
		a := per[f.Host]
		if a == nil {
			a = &agg{services: map[string]bool{}, install: *last}
			a.ev = append(a.ev, last.Evidence)
			per[f.Host] = a
			order = append(order, f.Host)
		}
		a.services[f.Values["service"]] = true
		a.ev = append(a.ev, f.Evidence)
	}
	var hits []Hit
	for _, h := range order {
		a := per[h]
		what, at := a.install.Values["what"], a.install.Time.Format("2006-01-02 15:04")
		vals := map[string]string{
			"services": strings.Join(sortedKeys(a.services), ", "),
			"install":  fmt.Sprintf("%s (%s)", what, at),
		}
		if rest, ok := strings.CutPrefix(what, setupWhat); ok {
			// "po instalacji Exchange": the Polish remedy needs the locative.
			vals["install@pl"] = fmt.Sprintf("instalacji Exchange%s (%s)", rest, at)
		}
		hits = append(hits, Hit{Host: h, Evidence: a.ev, Count: len(a.ev) - 1, Values: vals})
	}
	return hits
}
