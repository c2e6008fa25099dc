package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/skewer-dev/skewer/explain"
	"github.com/skewer-dev/skewer/ingest"
	"github.com/skewer-dev/skewer/parse"
	"github.com/skewer-dev/skewer/render"
	"github.com/spf13/cobra"
)

// explainOptions are the flags and streams of `skewer explain`.
type explainOptions struct {
	IO
	Paths   []string
	Inputs  inputFlags
	Workers int
	Output  string
}

func newExplainCmd(s IO, runF func(context.Context, *explainOptions) error) *cobra.Command {
	opts := &explainOptions{IO: s}
	c := &cobra.Command{
		Use:   "explain [PATH...]",
		Short: "Why the load is uneven, whether it hurts, and what to change",
		Long: `Diagnose the inputs of a run: the verdict (benign, harmful, capacity or unknown),
the mechanisms with their confidence, what each change of the busiest worker
coincided with, advice citing verified server facts, and what to log to settle
the rest. Takes the same inputs as report. A folder with several server
families is explained family by family; of two logs of the same traffic the
richer one is read and the other named.`,
		Example: `  skewer explain /var/log/myapp/
  skewer explain --family gunicorn -o json /var/log/myapp/`,
		RunE: runCommand(opts, &opts.Paths, runF, runExplain),
	}
	addInputFlags(c, &opts.Inputs)
	addWindowFlags(c, &opts.Inputs.windowFlags, "judge per window of `SIZE` (30s, 10m, 1h, 1d; default: automatic, about 60 windows)")
	f := c.Flags()
	f.IntVar(&opts.Workers, "workers", 0, "configured worker slots `N`: slots that never appear in the log count as idle workers")
	f.StringVarP(&opts.Output, "output", "o", "table", "output `format`: "+strings.Join(render.ExplainFormats, ", "))
	return c
}

func (o *explainOptions) validate() error {
	if err := o.Inputs.validate(); err != nil {
		return err
	}
	if err := o.Inputs.windowFlags.validate(true); err != nil {
		return err
	}
	if o.Workers < 0 {
		return fmt.Errorf("--workers %d: must be 0 or more", o.Workers)
	}
	if !slices.Contains(render.ExplainFormats, o.Output) {
		return fmt.Errorf("--output %q: want one of %s", o.Output, strings.Join(render.ExplainFormats, ", "))
	}
	return nil
}

func runExplain(ctx context.Context, o *explainOptions) error {
	exps, err := explainAll(ctx, o)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render.WriteExplanations(&buf, o.Output, exps); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = o.Out.Write(buf.Bytes())
	return err
}

// explainAll explains each server family of the inputs in turn.
func explainAll(ctx context.Context, o *explainOptions) ([]*explain.Explanation, error) {
	e, err := explainOne(ctx, o, o.Inputs, false)
	var fams *ingest.FamiliesError
	if !errors.As(err, &fams) || len(o.Paths) == 0 {
		if err != nil {
			return nil, err
		}
		return []*explain.Explanation{e}, nil
	}
	nginx := slices.Contains(fams.Families, parse.FamilyNginx)
	var out []*explain.Explanation
	for _, f := range fams.Families {
		fl := o.Inputs
		fl.Family = string(f)
		e, err := explainOne(ctx, o, fl, nginx && f != parse.FamilyNginx)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// explainOne explains one family; of two logs of the same traffic it reads
// the richer one and names the other.
func explainOne(ctx context.Context, o *explainOptions, fl inputFlags, behindNginx bool) (*explain.Explanation, error) {
	var leave []string
	for {
		run, rep, err := readRun(ctx, o.IO, o.Paths, fl, o.Workers, "--window", leave)
		var same *ingest.SameTrafficError
		if errors.As(err, &same) && len(leave) < 4 {
			leave = append(leave, same.Paths[1-same.Richer])
			continue
		}
		if err != nil {
			return nil, err
		}
		c := explainContext(run, behindNginx)
		if len(leave) > 0 {
			c.Left = "left out, the same traffic as a richer log: " + strings.Join(leave, ", ")
		}
		return explain.Explain(rep, c), nil
	}
}

// explainContext is what the run's inputs say beyond the report.
func explainContext(run *ingest.Run, behindNginx bool) explain.Context {
	return explain.Context{WorkerClass: run.WorkerClass, StatusBytes: run.StatusBytes, BehindNginx: behindNginx}
}
