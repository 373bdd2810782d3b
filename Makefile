# extriage: the two commands that matter on a fresh machine are
#   make demo   scan the embedded sample bundle
#   make test   run every test (what CI runs)

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
BIN       := bin/extriage
DEMO      := fixtures/bundles/ex2003-cluster-sp2-failure
FUZZTIME  ?= 20s
PLATFORMS := linux/amd64 linux/arm64 windows/amd64 windows/arm64 darwin/amd64 darwin/arm64

.PHONY: all build test demo bench bench-scale bench-go fuzz lint release fixtures clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/extriage

# Every test, plus the static checks and a Windows build (support engineers
# mostly run extriage on Windows, so it must always compile there).
test: lint
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./cmd/extriage
	$(GO) test -count=1 ./...

# Scan the demo bundle: a two-node Exchange 2003 cluster whose SP2 upgrade
# failed. extriage exits 1 when it finds errors, which is the point here.
demo: build
	@$(BIN) scan $(DEMO); status=$$?; [ $$status -le 1 ] || exit $$status

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Speed against the tools people use, in one run on one bundle: generate
# (once; cached in BENCHDIR/BENCHSIZE) a realistic bundle of Exchange
# servers' event and setup logs, then print one table: `extriage events` vs
# golang-evtx's FastEvents, evtxexport and evtx_dump.py on the same EVTX
# files, and `extriage scan` of the whole bundle vs `cat` of its files, with
# the ratios (docs/performance.md explains them). Then scan the big bundle
# (BENCHBIG, 2 GiB, zipped and unzipped servers) and print its time and
# peak memory, failing above BENCHRSS MiB.
BENCHDIR   ?= bench/out
BENCHSIZE  ?= 1GiB
BENCHBIG   ?= 2GiB
BENCHSIZES ?= 256MiB 512MiB 1GiB 2GiB
BENCHRSS   ?= 150

bench: build
	$(GO) build -o bin/fastevents ./bench/fastevents
	$(GO) run ./bench/genbundle -size $(BENCHSIZE) -out $(BENCHDIR)/$(BENCHSIZE)
	$(GO) run ./bench/compare -bin $(BIN) -fastevents bin/fastevents $(BENCHDIR)/$(BENCHSIZE)/bundle
	$(GO) run ./bench/genbundle -size $(BENCHBIG) -out $(BENCHDIR)/$(BENCHBIG)
	$(GO) run ./bench/compare -bin $(BIN) -scale -max-rss $(BENCHRSS) $(BENCHDIR)/$(BENCHBIG)/bundle

# How the scan's cost grows with the bundle (it must be linear) and its
# peak memory at each size, up to 2 GiB (it fails above BENCHRSS MiB).
bench-scale: build
	@for s in $(BENCHSIZES); do $(GO) run ./bench/genbundle -size $$s -out $(BENCHDIR)/$$s || exit 1; done
	$(GO) run ./bench/compare -bin $(BIN) -scale -max-rss $(BENCHRSS) $(foreach s,$(BENCHSIZES),$(BENCHDIR)/$(s)/bundle)

# The Go micro-benchmarks: every parser and the rule engine, with
# allocations.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Run every fuzz target for FUZZTIME each; crashers land in testdata/fuzz
# beside the target and become regression tests. Minimising a new
# interesting input may take 60 s by default, which stalls a brief run
# (no new input is tried meanwhile), so it is capped.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg || exit 1; \
	  done; \
	done

# Regenerate the binary fixtures of the demo bundle (deterministic).
fixtures:
	$(GO) run ./fixtures/cmd/genbundle

release:
	@mkdir -p dist
	@for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
	  echo "dist/extriage-$(VERSION)-$$os-$$arch$$ext"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' \
	    -o dist/extriage-$(VERSION)-$$os-$$arch$$ext ./cmd/extriage || exit 1; \
	done

clean:
	rm -rf bin dist
