# Build, test and try skewer. `make demo` and `make test` are all a new
# checkout needs; the other targets are for development.

GO       ?= go
GOFMT    ?= gofmt
FUZZTIME ?= 30s

# The version stamped into the binary: the tag at HEAD (git describe), else
# "devel" with the commit; the build date is UTC.
VERSION ?= $(shell git describe --tags --dirty 2>/dev/null || echo devel)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
VPKG    := github.com/skewer-dev/skewer/internal/version
LDFLAGS := -X $(VPKG).version=$(VERSION) -X $(VPKG).commit=$(COMMIT) -X $(VPKG).date=$(DATE)

DEMO_SYNC  := testdata/logs/demo/gunicorn-sync-17/access.log
DEMO_PROXY := testdata/logs/demo/nginx-proxy/

.PHONY: build dist man test lint demo bench golden fuzz clean

# A static binary (CGO_ENABLED=0): the default build links the C library
# through net and will not start on hosts with an older glibc.
build:
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o skewer .

# Man pages for every command in man/ (man -l man/skewer-report.1); the
# generator is a program of its own, so skewer does not link it.
man:
	rm -rf man
	$(GO) run ./internal/mangen man

# Release archives for linux/amd64, linux/arm64, darwin/arm64 and
# darwin/amd64 in dist/, with SHA256SUMS and the dependencies' licenses.
dist:
	bash scripts/dist.sh "$(VERSION)" "$(LDFLAGS)"

# -race needs cgo, so a C compiler; without one the tests run without it.
test:
	$(GO) vet ./...
	@if command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; then \
		echo 'CGO_ENABLED=1 $(GO) test -race ./...'; \
		CGO_ENABLED=1 $(GO) test -race ./...; \
	else \
		echo 'no C compiler (cc or gcc): testing without -race'; \
		echo '$(GO) test ./...'; \
		$(GO) test ./...; \
	fi

# gofmt, go vet, a tidy go.mod and staticcheck (pinned by the tool directive
# in go.mod, so every checkout runs the same version).
lint:
	@echo '$(GOFMT) -l .'
	@out=$$($(GOFMT) -l .) || exit 1; \
	if [ -n "$$out" ]; then echo "$$out"; echo 'lint: $(GOFMT) -l lists the files above (run $(GOFMT) -w)' >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) mod tidy -diff
	$(GO) tool staticcheck ./...

demo: build
	@echo '$$ ./skewer report $(DEMO_SYNC)'
	@./skewer report $(DEMO_SYNC)
	@echo
	@echo '$$ ./skewer report $(DEMO_PROXY)'
	@./skewer report $(DEMO_PROXY)

# Go benchmarks, then skewer against wc -l, mawk and gawk on a generated log.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	bash bench/run.sh

# Rewrites the golden files; review the diff before committing.
golden:
	UPDATE_GOLDEN=1 $(GO) test ./...
	git diff --stat testdata/golden
	@git status --short --untracked-files=all testdata/golden | grep '^??' || true

# Runs every Fuzz target of every package of the module, each for FUZZTIME
# (make fuzz FUZZTIME=5m). go test -fuzz takes one package and one target at a
# time, so the targets are listed first: each package's names come before its
# "ok" line.
fuzz:
	@list=$$($(GO) test -list '^Fuzz' ./...) || { echo "$$list" >&2; exit 1; }; \
	targets=$$(echo "$$list" | awk '/^Fuzz/ { t[n++] = $$1; next } \
		/^ok[ \t]/ { for (i = 0; i < n; i++) print $$2 ":" t[i]; n = 0 }'); \
	if [ -z "$$targets" ]; then \
		echo 'fuzz: no Fuzz targets in the module (go test -list Fuzz ./...)' >&2; exit 1; fi; \
	for pt in $$targets; do \
		pkg=$${pt%:*}; t=$${pt##*:}; \
		echo "$(GO) test -run '^\$$' -fuzz '^$$t\$$' -fuzztime $(FUZZTIME) $$pkg"; \
		$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

clean:
	rm -f skewer
	rm -rf dist man
	rm -rf bench/out
