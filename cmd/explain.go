package cmd

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/skewer-dev/skewer/explain"
	"github.com/skewer-dev/skewer/ingest"
	"github.com/skewer-dev/skewer/internal/cliutil"
	"github.com/skewer-dev/skewer/internal/inputflags"
	"github.com/skewer-dev/skewer/render"
	"github.com/spf13/cobra"
)

// explainOptions are the flags and streams of `skewer explain`.
type explainOptions struct {
	IO
	Paths   []string
	Inputs  inputflags.Flags
	Workers int
	Output  string
}

func newExplainCmd(s IO, runF func(context.Context, *explainOptions) error) *cobra.Command {
	opts := &explainOptions{IO: s}
	c := &cobra.Command{
		Use:     "explain [PATH...]",
		Short:   "Why the load is uneven, whether it hurts, and what to change",
		Long:    helpLong("explain"),
		Example: helpExample("explain"),
		RunE:    runCommand(opts, &opts.Paths, runF, runExplain),
	}
	inputflags.Add(c, &opts.Inputs)
	inputflags.AddWindow(c, &opts.Inputs.Windows, "judge per window of `SIZE` (30s, 10m, 1h, 1d; default: automatic, about 60 windows)")
	f := c.Flags()
	f.IntVar(&opts.Workers, "workers", 0, "configured worker slots `N`: slots that never appear in the log count as idle workers")
	f.StringVarP(&opts.Output, "output", "o", "table", "output `FORMAT`: "+strings.Join(render.ExplainFormats, ", "))
	cliutil.CompleteValues(c, "output", render.ExplainFormats...)
	return c
}

func (o *explainOptions) validate() error {
	if err := o.Inputs.Validate(); err != nil {
		return err
	}
	if err := o.Inputs.Windows.Validate(true); err != nil {
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
	opt, err := inputflags.Options(o.streamsIn(), o.Paths, &o.Inputs, o.Workers)
	if err != nil {
		return nil, err
	}
	runs, err := ingest.ReadFamilies(ctx, o.Paths, o.In, opt)
	if err != nil {
		return nil, o.Inputs.Word(err)
	}
	var out []*explain.Explanation
	for _, r := range runs {
		rep, err := inputflags.Finish(r.Run, o.Workers, "--window")
		if err != nil {
			return nil, err
		}
		c := explainContext(r.Run, r.BehindNginx)
		if len(r.Left) > 0 {
			c.Left = "left out, the same traffic as a richer log: " + strings.Join(r.Left, ", ")
		}
		out = append(out, explain.Explain(rep, c))
	}
	return out, nil
}

// explainContext is what the run's inputs say beyond the report.
func explainContext(run *ingest.Run, behindNginx bool) explain.Context {
	return explain.Context{WorkerClass: run.WorkerClass, StatusBytes: run.StatusBytes, BehindNginx: behindNginx}
}
