package check

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		text   string
		metric string
		op     string
		value  Expr
	}{
		{"less", "gini<0.35", "gini<0.35", "gini", "<", Expr{Num: 0.35}},
		{"less or equal", "gini<=0.35", "gini<=0.35", "gini", "<=", Expr{Num: 0.35}},
		{"greater", "active_workers>12", "active_workers>12", "active_workers", ">", Expr{Num: 12}},
		{"greater or equal", "active_workers>=12", "active_workers>=12", "active_workers", ">=", Expr{Num: 12}},
		{"equal", "idle_workers==0", "idle_workers==0", "idle_workers", "==", Expr{Num: 0}},
		{"not equal", "workers!=17", "workers!=17", "workers", "!=", Expr{Num: 17}},
		{"spaces around", "  gini < 0.35  ", "gini<0.35", "gini", "<", Expr{Num: 0.35}},
		{"spaces anywhere", "top1 _share <= 0 .25", "top1_share<=0.25", "top1_share", "<=", Expr{Num: 0.25}},
		{"tabs", "gini\t<\t0.35", "gini<0.35", "gini", "<", Expr{Num: 0.35}},
		{"fraction only", "gini<.5", "gini<.5", "gini", "<", Expr{Num: 0.5}},
		{"trailing dot", "workers>12.", "workers>12.", "workers", ">", Expr{Num: 12}},
		{"exponent", "requests>=1e3", "requests>=1e3", "requests", ">=", Expr{Num: 1000}},
		{"signed exponent", "rejected_ratio<5E-2", "rejected_ratio<5E-2", "rejected_ratio", "<", Expr{Num: 0.05}},
		{"negative", "gini>-1", "gini>-1", "gini", ">", Expr{Num: -1}},
		{"plus sign", "gini>+1", "gini>+1", "gini", ">", Expr{Num: 1}},
		{"negative after <=", "gini<=-1", "gini<=-1", "gini", "<=", Expr{Num: -1}},
		{"baseline", "gini<=baseline", "gini<=baseline", "gini", "<=", Expr{Baseline: true}},
		{"baseline plus", "gini<=baseline+0.05", "gini<=baseline+0.05", "gini", "<=", Expr{Baseline: true, Op: '+', Num: 0.05}},
		{"baseline minus", "active_workers>=baseline-1", "active_workers>=baseline-1", "active_workers", ">=", Expr{Baseline: true, Op: '-', Num: 1}},
		{"baseline times", "effective_workers >= baseline * 0.9", "effective_workers>=baseline*0.9", "effective_workers", ">=", Expr{Baseline: true, Op: '*', Num: 0.9}},
		{"baseline over", "max_mean<baseline/2", "max_mean<baseline/2", "max_mean", "<", Expr{Baseline: true, Op: '/', Num: 2}},
		{"baseline times zero", "gini>=baseline*0", "gini>=baseline*0", "gini", ">=", Expr{Baseline: true, Op: '*', Num: 0}},
		// N+baseline and N*baseline are the same limits written the other way.
		{"number plus baseline", "gini<=0.05+baseline", "gini<=0.05+baseline", "gini", "<=", Expr{Baseline: true, Op: '+', Num: 0.05}},
		{"number times baseline", "jain>=0.9*baseline", "jain>=0.9*baseline", "jain", ">=", Expr{Baseline: true, Op: '*', Num: 0.9}},
		{"negative number plus baseline", "gini<=-0.05+baseline", "gini<=-0.05+baseline", "gini", "<=", Expr{Baseline: true, Op: '+', Num: -0.05}},
		{"top2", "top2_share<0.5", "top2_share<0.5", "top2_share", "<", Expr{Num: 0.5}},
		{"top100", "top100_share<0.9", "top100_share<0.9", "top100_share", "<", Expr{Num: 0.9}},
		{"cpu", "cpu_gini<0.3", "cpu_gini<0.3", "cpu_gini", "<", Expr{Num: 0.3}},
		{"cpu top7", "cpu_top7_share<0.3", "cpu_top7_share<0.3", "cpu_top7_share", "<", Expr{Num: 0.3}},
		{"cpu workers", "cpu_workers>=17", "cpu_workers>=17", "cpu_workers", ">=", Expr{Num: 17}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, "-t")
			if err != nil {
				t.Fatalf("got error %v", err)
			}
			want := Threshold{Text: tt.text, Metric: tt.metric, Op: Op(tt.op), Value: tt.value, Source: "-t"}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", `threshold "": empty condition (want METRIC OP VALUE, e.g. gini<0.35)`},
		{"blank", "   ", `threshold "": empty condition (want METRIC OP VALUE, e.g. gini<0.35)`},
		{"no operator", "gini 0.35", `threshold "gini 0.35": no operator (want METRIC OP VALUE with OP one of < <= > >= == !=)`},
		{"metric only", "gini", `threshold "gini": no operator (want METRIC OP VALUE with OP one of < <= > >= == !=)`},
		{"no metric", "<0.35", `threshold "<0.35": no metric before "<"`},
		{"no value", "gini<", `threshold "gini<": no value after "<"`},
		{"no value after spaces", "gini <= ", `threshold "gini <=": no value after "<="`},
		{"single equals", "gini=0.3", `threshold "gini=0.3": unknown operator "=" (use "==")`},
		{"equals less", "gini=<0.3", `threshold "gini=<0.3": unknown operator "=<" (use "<=")`},
		{"equals greater", "gini=>0.3", `threshold "gini=>0.3": unknown operator "=>" (use ">=")`},
		{"diamond", "gini<>0.3", `threshold "gini<>0.3": unknown operator "<>" (use "!=")`},
		{"bang", "gini!0.3", `threshold "gini!0.3": unknown operator "!" (use "!=")`},
		{"unicode less or equal", "gini≤0.3", `threshold "gini≤0.3": unknown operator "≤" (use "<=")`},
		{"triple equals", "gini===0.3", `threshold "gini===0.3": unknown operator "===" (known: < <= > >= == !=)`},
		{"double less", "gini<<0.3", `threshold "gini<<0.3": unknown operator "<<" (known: < <= > >= == !=)`},
		{"bad number", "gini<abc", `threshold "gini<abc": bad number "abc"`},
		{"two dots", "gini<0.3.5", `threshold "gini<0.3.5": bad number "0.3.5"`},
		{"percent", "gini<35%", `threshold "gini<35%": bad number "35%"`},
		{"inf", "gini<inf", `threshold "gini<inf": bad number "inf"`},
		{"hex", "workers<0x10", `threshold "workers<0x10": bad number "0x10"`},
		{"underscore", "requests<1_000", `threshold "requests<1_000": bad number "1_000"`},
		{"dangling exponent", "requests<1e", `threshold "requests<1e": bad number "1e"`},
		{"lone dot", "gini<.", `threshold "gini<.": bad number "."`},
		{"out of range", "requests<1e999", `threshold "requests<1e999": number "1e999" out of range`},
		{"second condition", "gini<0.3&&cv<1", `threshold "gini<0.3&&cv<1": bad number "0.3&&cv<1"`},
		{"baseline bad number", "gini<baseline*x", `threshold "gini<baseline*x": bad number "x"`},
		{"baseline no number", "gini<baseline+", `threshold "gini<baseline+": no number after "baseline+"`},
		{"baseline signed number", "gini<baseline+-0.05", `threshold "gini<baseline+-0.05": bad number "-0.05" after "baseline+": write the number without a sign`},
		{"baseline bad op", "gini<baseline^2", `threshold "gini<baseline^2": bad value "baseline^2" (want a number, baseline, baseline+N, baseline-N, baseline*N, baseline/N, N+baseline or N*baseline)`},
		{"baseline by zero", "gini<baseline/0", `threshold "gini<baseline/0": division by zero in "baseline/0"`},
		{"baseline by zero point zero", "gini<baseline/0.0", `threshold "gini<baseline/0.0": division by zero in "baseline/0.0"`},
		{"number minus baseline", "gini<1-baseline", `threshold "gini<1-baseline": bad value "1-baseline": N-baseline is not supported (want a number, baseline, baseline+N, baseline-N, baseline*N, baseline/N, N+baseline or N*baseline)`},
		{"number over baseline", "gini<2/baseline", `threshold "gini<2/baseline": bad value "2/baseline": N/baseline is not supported (want a number, baseline, baseline+N, baseline-N, baseline*N, baseline/N, N+baseline or N*baseline)`},
		{"plus baseline", "gini<+baseline", `threshold "gini<+baseline": bad value "+baseline" (want a number, baseline, baseline+N, baseline-N, baseline*N, baseline/N, N+baseline or N*baseline)`},
		{"two expressions", "gini<baseline*0.9+1", `threshold "gini<baseline*0.9+1": bad number "0.9+1"`},
		{"baseline misspelt", "gini<=basline+0.05", `threshold "gini<=basline+0.05": bad value "basline+0.05" (did you mean "baseline+0.05"?)`},
		{"baseline capitalised", "gini<=Baseline", `threshold "gini<=Baseline": bad value "Baseline" (did you mean "baseline"?)`},
		{"unknown metric", "gnii<0.3", `threshold "gnii<0.3": unknown metric "gnii" (did you mean "gini"? known: ` + knownList + `)`},
		{"unknown metric far", "latency<0.3", `threshold "latency<0.3": unknown metric "latency" (known: ` + knownList + `)`},
		{"metric upper case", "GINI<0.3", `threshold "GINI<0.3": unknown metric "GINI" (did you mean "gini"? known: ` + knownList + `)`},
		{"metric transposed", "jian>0.8", `threshold "jian>0.8": unknown metric "jian" (did you mean "jain"? known: ` + knownList + `)`},
		{"metric two edits", "efective_worker>3", `threshold "efective_worker>3": unknown metric "efective_worker" (did you mean "effective_workers"? known: ` + knownList + `)`},
		{"topK without underscore", "top10share<0.5", `threshold "top10share<0.5": unknown metric "top10share" (did you mean "top10_share"? known: ` + knownList + `)`},
		{"topK leading zero", "top02_share<0.5", `threshold "top02_share<0.5": unknown metric "top02_share" (did you mean "top2_share"? known: ` + knownList + `)`},
		{"top0", "top0_share<0.5", `threshold "top0_share<0.5": unknown metric "top0_share": K of topK_share must be at least 1`},
		{"cpu top0", "cpu_top00_share<0.5", `threshold "cpu_top00_share<0.5": unknown metric "cpu_top00_share": K of topK_share must be at least 1`},
		{"topK literal", "topK_share<0.5", `threshold "topK_share<0.5": unknown metric "topK_share" (did you mean "top1_share"? known: ` + knownList + `)`},
		{"cpu without underscore", "cpugini<0.3", `threshold "cpugini<0.3": unknown metric "cpugini" (did you mean "cpu_gini"? known: ` + knownList + `)`},
		{"cpu of a run metric", "cpu_requests>3", `threshold "cpu_requests>3": unknown metric "cpu_requests": requests has no cpu_ form (cpu_ goes before a skew metric: cpu_gini, cpu_top1_share, ...)`},
		{"metric checked before operator", "gnii=0.3", `threshold "gnii=0.3": unknown metric "gnii" (did you mean "gini"? known: ` + knownList + `)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, "-t")
			if err == nil {
				t.Fatalf("got %+v, want error %s", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got error\n\t%s\nwant\n\t%s", err, tt.want)
			}
		})
	}
}

func TestParseFile(t *testing.T) {
	const file = "\ufeff# CI gate for the sync workers\n" +
		"\n" +
		"gini < 0.35          # even enough\n" +
		"   \t\n" +
		"top1_share<0.25\r\n" +
		"  # indented comment\n" +
		"effective_workers >= baseline*0.9\n" +
		"active_workers>=12" // no final newline
	got, err := ParseFile(strings.NewReader(file), "gate.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []Threshold{
		{Text: "gini<0.35", Metric: "gini", Op: "<", Value: Expr{Num: 0.35}, Source: "gate.txt:3"},
		{Text: "top1_share<0.25", Metric: "top1_share", Op: "<", Value: Expr{Num: 0.25}, Source: "gate.txt:5"},
		{Text: "effective_workers>=baseline*0.9", Metric: "effective_workers", Op: ">=", Value: Expr{Baseline: true, Op: '*', Num: 0.9}, Source: "gate.txt:7"},
		{Text: "active_workers>=12", Metric: "active_workers", Op: ">=", Value: Expr{Num: 12}, Source: "gate.txt:8"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d thresholds %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("threshold %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestParseFileTestdata(t *testing.T) {
	// testdata/gate.txt: 5 conditions among comments and blank lines.
	f := openTestdata(t, "gate.txt")
	got, err := ParseFile(f, "testdata/gate.txt")
	if err != nil {
		t.Fatal(err)
	}
	var srcs []string
	for _, th := range got {
		srcs = append(srcs, th.Source+" "+th.Text)
	}
	want := []string{
		"testdata/gate.txt:4 gini<0.35",
		"testdata/gate.txt:5 top1_share<0.25",
		"testdata/gate.txt:6 active_workers>=12",
		"testdata/gate.txt:9 gini<=baseline+0.05",
		"testdata/gate.txt:10 effective_workers>=baseline*0.9",
	}
	if strings.Join(srcs, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(srcs, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseFileErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"bad line", "# gate\ngini<0.35\n\ntop1_share<\n", `gate.txt:4: threshold "top1_share<": no value after "<"`},
		{"unknown metric after comment", "gini<0.35 # ok\ngnii<0.3 # typo\n", `gate.txt:2: threshold "gnii<0.3": unknown metric "gnii" (did you mean "gini"? known: ` + knownList + `)`},
		{"crlf line", "gini<0.35\r\ngini=0.3\r\n", `gate.txt:2: threshold "gini=0.3": unknown operator "=" (use "==")`},
		{"only comments", "# nothing yet\n\n   # really\n", `gate.txt: no thresholds (want one condition per line, such as gini<0.35; # starts a comment)`},
		{"empty", "", `gate.txt: no thresholds (want one condition per line, such as gini<0.35; # starts a comment)`},
		{"long line", "gini<0.35\n" + strings.Repeat(" ", 70000) + "gini<0.3\n", `gate.txt:2: line too long`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile(strings.NewReader(tt.in), "gate.txt")
			if err == nil || err.Error() != tt.want {
				t.Errorf("got error\n\t%v\nwant\n\t%s", err, tt.want)
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		_, err := ParseFile(iotest.ErrReader(boom), "gate.txt")
		if !errors.Is(err, boom) || err.Error() != "gate.txt: boom" {
			t.Errorf("got error %v, want gate.txt: boom", err)
		}
	})
}

func TestKnown(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"workers", true}, {"active_workers", true}, {"gini", true}, {"top1_share", true},
		{"top3_share", true}, {"top5_share", true}, {"max_mean", true}, {"cv", true},
		{"jain", true}, {"effective_workers", true}, {"idle_workers", true},
		{"rejected_ratio", true}, {"requests", true}, {"top2_share", true},
		{"top12345_share", true}, {"cpu_gini", true}, {"cpu_workers", true},
		{"cpu_top2_share", true}, {"cpu_effective_workers", true},
		{"top0_share", false}, {"top_share", false}, {"top-1_share", false},
		{"top01_share", false}, {"top99999999999999999999_share", false},
		{"cpu_idle_workers", false}, {"cpu_rejected_ratio", false}, {"cpu_requests", false},
		{"cpu_cpu_gini", false}, {"cpu_", false}, {"", false}, {"Gini", false},
		{"request_seconds_gini", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Known(tt.name); got != tt.want {
				t.Errorf("got Known(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}
