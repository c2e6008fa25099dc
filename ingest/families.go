package ingest

import (
	"context"
	"errors"
	"io"
	"slices"

	"github.com/skewer-dev/skewer/parse"
)

// FamilyRun is the run of one server family of the inputs.
type FamilyRun struct {
	*Run
	// BehindNginx says the inputs hold nginx logs too and this family is
	// not nginx: its server sits behind nginx.
	BehindNginx bool
	// Left are the inputs left out as the same traffic as a richer log.
	Left []string
}

// maxLeft is how many logs of the same traffic ReadFamilies leaves out
// before it gives the *SameTrafficError back.
const maxLeft = 4

// ReadFamilies reads the inputs family by family. When Read finds several
// server families in the files named (a *FamiliesError), each is read on
// its own, in the error's order; of two logs of the same traffic (a
// *SameTrafficError) the poorer is left out and the rest read again.
func ReadFamilies(ctx context.Context, paths []string, stdin io.Reader, opt Options) ([]FamilyRun, error) {
	r, err := readRicher(ctx, paths, stdin, opt)
	var fams *FamiliesError
	if !errors.As(err, &fams) || len(paths) == 0 {
		if err != nil {
			return nil, err
		}
		return []FamilyRun{r}, nil
	}
	nginx := slices.Contains(fams.Families, parse.FamilyNginx)
	var out []FamilyRun
	for _, f := range fams.Families {
		one := opt
		one.Family = f
		r, err := readRicher(ctx, paths, stdin, one)
		if err != nil {
			return nil, err
		}
		r.BehindNginx = nginx && f != parse.FamilyNginx
		out = append(out, r)
	}
	return out, nil
}

// readRicher reads the inputs, leaving out the poorer of two logs of the
// same traffic.
func readRicher(ctx context.Context, paths []string, stdin io.Reader, opt Options) (FamilyRun, error) {
	base := opt.Leave
	var left []string
	for {
		opt.Leave = append(slices.Clip(base), left...)
		run, err := Read(ctx, paths, stdin, opt)
		var same *SameTrafficError
		if errors.As(err, &same) && len(left) < maxLeft {
			left = append(left, same.Paths[1-same.Richer])
			continue
		}
		if err != nil {
			return FamilyRun{}, err
		}
		return FamilyRun{Run: run, Left: left}, nil
	}
}
