#!/usr/bin/env bash
# scripts/dist.sh VERSION LDFLAGS: cross-builds static skewer binaries into
# dist/, one archive per platform with the README, the man pages, skewer's
# LICENSE and the license texts of every module compiled into that binary,
# and writes
# dist/SHA256SUMS. make dist calls it with the version stamp.
set -euo pipefail

version=$1
ldflags=$2
platforms=(linux/amd64 linux/arm64 darwin/arm64 darwin/amd64)

cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf dist
mkdir -p dist
# The man pages are the same on every platform: made once, by the host.
go run ./internal/mangen dist/man

for p in "${platforms[@]}"; do
	os=${p%/*} arch=${p#*/}
	name=skewer-$version-$os-$arch
	dir=dist/$name
	mkdir -p "$dir/licenses"
	echo "dist: $name"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "-s -w $ldflags" -o "$dir/skewer" .
	cp LICENSE README.md "$dir/"
	cp -r dist/man "$dir/man"
	# The Go standard library and runtime are compiled in too.
	mkdir -p "$dir/licenses/go"
	cp "$(go env GOROOT)/LICENSE" "$dir/licenses/go/"
	# The modules this platform's binary links (the main module has no
	# version and is skewer itself, licensed by LICENSE).
	GOOS=$os GOARCH=$arch CGO_ENABLED=0 go list -deps -f '{{with .Module}}{{if .Version}}{{.Path}}@{{.Version}} {{.Dir}}{{end}}{{end}}' . |
		sort -u | while read -r mod modDir; do
			found=0
			for f in "$modDir"/LICENSE* "$modDir"/LICENCE* "$modDir"/COPYING* "$modDir"/NOTICE*; do
				[[ -f $f ]] || continue
				out=$dir/licenses/${mod//\//_}
				mkdir -p "$out"
				cp "$f" "$out/"
				found=1
			done
			if ((!found)); then
				echo "dist: $mod has no LICENSE file in $modDir" >&2
				exit 1
			fi
		done
	tar -C dist -czf "dist/$name.tar.gz" --owner=0 --group=0 --sort=name "$name"
	rm -rf "$dir"
done

rm -rf dist/man
(cd dist && sha256sum -- *.tar.gz > SHA256SUMS)
cat dist/SHA256SUMS
