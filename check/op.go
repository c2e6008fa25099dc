package check

// Op is a threshold's comparison operator: what "gini<0.35" means by "<".
// Its meaning lives here once, for the verdicts and for the renderers that
// check a rounded number against them.
type Op string

// The operators a threshold may use.
const (
	Less         Op = "<"
	LessEqual    Op = "<="
	Greater      Op = ">"
	GreaterEqual Op = ">="
	Equal        Op = "=="
	NotEqual     Op = "!="
)

// Ops lists the operators in the order errors and help name them.
var Ops = []Op{Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual}

// Tolerance is the relative difference under which two values count as
// equal, so that a limit such as baseline+0.2 over a baseline of 0.1
// (0.30000000000000004) holds for an observed 0.3 under >= and <=.
const Tolerance = 1e-9

// Valid reports whether o is one of Ops.
func (o Op) Valid() bool {
	for _, v := range Ops {
		if o == v {
			return true
		}
	}
	return false
}

// Holds reports whether a o b holds, a and b within Tolerance of each other
// counting as equal. It is false for an operator that is not Valid.
func (o Op) Holds(a, b float64) bool {
	eq := a == b || abs(a-b) <= Tolerance*max(abs(a), abs(b))
	switch o {
	case Less:
		return a < b && !eq
	case LessEqual:
		return a < b || eq
	case Greater:
		return a > b && !eq
	case GreaterEqual:
		return a > b || eq
	case Equal:
		return eq
	case NotEqual:
		return !eq
	}
	return false
}

// HoldsForNull reports whether the threshold holds when the observed value
// is null (undefined for the input): only "!=" does.
func (o Op) HoldsForNull() bool { return o == NotEqual }

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
