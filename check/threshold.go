package check

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// misspelt maps operators people write by habit to the one meant.
var misspelt = map[string]string{
	"=": "==", "=<": "<=", "=>": ">=", "<>": "!=", "!": "!=", "=!": "!=",
	"≤": "<=", "≥": ">=", "≠": "!=",
}

// exprForms is what a threshold's right side may be, for error messages.
const exprForms = "a number, baseline, baseline+N, baseline-N, baseline*N, baseline/N, N+baseline or N*baseline"

// Parse reads one condition, METRIC OP VALUE, from s; source says where it
// came from ("-t" or "FILE:LINE") and is kept on the threshold. Spaces are
// allowed anywhere and dropped. VALUE is a number or an expression over the
// baseline's value of the same metric; N+baseline and N*baseline are read as
// baseline+N and baseline*N, while N-baseline and N/baseline are refused.
// Errors quote the condition as written and say what is wrong with it.
func Parse(s, source string) (Threshold, error) {
	text := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	fail := func(format string, args ...any) (Threshold, error) {
		return Threshold{}, fmt.Errorf("threshold %q: %s", strings.TrimSpace(s), fmt.Sprintf(format, args...))
	}
	if text == "" {
		return fail("empty condition (want METRIC OP VALUE, e.g. gini<0.35)")
	}
	at := strings.IndexFunc(text, isOpRune)
	if at < 0 {
		return fail("no operator (want METRIC OP VALUE with OP one of %s)", opList())
	}
	metric := text[:at]
	end := at
	for end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if !isOpRune(r) {
			break
		}
		end += size
	}
	op, value := text[at:end], text[end:]
	if metric == "" {
		return fail("no metric before %q", op)
	}
	if err := knownError(metric); err != nil {
		return fail("%v", err)
	}
	if !Op(op).Valid() {
		if want, ok := misspelt[op]; ok {
			return fail("unknown operator %q (use %q)", op, want)
		}
		return fail("unknown operator %q (known: %s)", op, opList())
	}
	if value == "" {
		return fail("no value after %q", op)
	}
	e, err := parseExpr(value)
	if err != nil {
		return fail("%v", err)
	}
	return Threshold{Text: text, Metric: metric, Op: Op(op), Value: e, Source: source}, nil
}

func isOpRune(r rune) bool {
	return strings.ContainsRune("<>=!≤≥≠", r)
}

// opList names the operators for errors: "< <= > >= == !=".
func opList() string {
	names := make([]string, len(Ops))
	for i, o := range Ops {
		names[i] = string(o)
	}
	return strings.Join(names, " ")
}

const baselineWord = "baseline"

// parseExpr reads a threshold's right side.
func parseExpr(v string) (Expr, error) {
	if rest, ok := strings.CutPrefix(v, baselineWord); ok {
		if rest == "" {
			return Expr{Baseline: true}, nil
		}
		op, num := rest[0], rest[1:]
		if !strings.ContainsRune("+-*/", rune(op)) {
			return Expr{}, fmt.Errorf("bad value %q (want %s)", v, exprForms)
		}
		if num == "" {
			return Expr{}, fmt.Errorf("no number after %q", baselineWord+string(op))
		}
		if num[0] == '+' || num[0] == '-' {
			return Expr{}, fmt.Errorf("bad number %q after %q: write the number without a sign", num, baselineWord+string(op))
		}
		n, err := parseNumber(num)
		if err != nil {
			return Expr{}, err
		}
		if op == '/' && n == 0 {
			return Expr{}, fmt.Errorf("division by zero in %q", v)
		}
		return Expr{Baseline: true, Op: op, Num: n}, nil
	}
	if i := strings.Index(v, baselineWord); i > 0 {
		// N+baseline or N*baseline: the same limit written the other way.
		num, op, rest := v[:i-1], v[i-1], v[i+len(baselineWord):]
		if num == "" || rest != "" || !strings.ContainsRune("+-*/", rune(op)) {
			return Expr{}, fmt.Errorf("bad value %q (want %s)", v, exprForms)
		}
		if op == '-' || op == '/' {
			return Expr{}, fmt.Errorf("bad value %q: N%cbaseline is not supported (want %s)", v, op, exprForms)
		}
		n, err := parseNumber(num)
		if err != nil {
			return Expr{}, err
		}
		return Expr{Baseline: true, Op: op, Num: n}, nil
	}
	if word := leadingWord(v); word != "" && word != baselineWord && distance(word, baselineWord) <= 2 {
		return Expr{}, fmt.Errorf("bad value %q (did you mean %q?)", v, baselineWord+v[len(word):])
	}
	n, err := parseNumber(v)
	if err != nil {
		return Expr{}, err
	}
	return Expr{Num: n}, nil
}

// leadingWord is the run of ASCII letters v starts with.
func leadingWord(v string) string {
	i := 0
	for i < len(v) && (v[i] >= 'a' && v[i] <= 'z' || v[i] >= 'A' && v[i] <= 'Z') {
		i++
	}
	return v[:i]
}

// parseNumber reads a decimal number: an optional sign, digits with an
// optional fraction (or a fraction alone, .5), an optional exponent. Forms
// strconv also takes (inf, nan, hex, underscores) are refused: a limit is
// written in decimal.
func parseNumber(s string) (float64, error) {
	if !isDecimal(s) {
		return 0, fmt.Errorf("bad number %q", s)
	}
	n, err := strconv.ParseFloat(s, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("number %q out of range", s)
	}
	if err != nil {
		return 0, fmt.Errorf("bad number %q", s)
	}
	return n, nil
}

func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	mant := digits()
	if i < len(s) && s[i] == '.' {
		i++
		mant += digits()
	}
	if mant == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// ParseFile reads thresholds from r, one per line: blank lines and # comments
// (whole-line or trailing) are skipped. name is the file's name for sources
// and errors, which read "FILE:LINE: threshold ...". A file without any
// threshold is an error: a gate that checks nothing would always pass.
func ParseFile(r io.Reader, name string) ([]Threshold, error) {
	sc := bufio.NewScanner(r)
	var ts []Threshold
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		src := fmt.Sprintf("%s:%d", name, line)
		t, err := Parse(text, src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		ts = append(ts, t)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line too long", name, line+1)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("%s: no thresholds (want one condition per line, such as gini<0.35; # starts a comment)", name)
	}
	return ts, nil
}
