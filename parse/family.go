package parse

// Family is a server family: the servers whose logs and processes a run
// accounts together. The zero value is an unknown server.
type Family string

// Server families.
const (
	FamilyGunicorn Family = "gunicorn"
	FamilyNginx    Family = "nginx"
	FamilyUWSGI    Family = "uwsgi"
	FamilyApache   Family = "apache"
	FamilyPHPFPM   Family = "phpfpm"
)

// Families are the known families, in the order they are listed to users.
var Families = []Family{FamilyGunicorn, FamilyNginx, FamilyUWSGI, FamilyApache, FamilyPHPFPM}

// FamilyNames are the names of Families.
func FamilyNames() []string {
	names := make([]string, len(Families))
	for i, f := range Families {
		names[i] = string(f)
	}
	return names
}

// String is the family's name, or "unknown server".
func (f Family) String() string {
	if f == "" {
		return "unknown server"
	}
	return string(f)
}

// Owner names the family as the owner of a format: "gunicorn" or "an
// unknown server's".
func (f Family) Owner() string {
	if f == "" {
		return "an unknown server's"
	}
	return string(f)
}

// Known reports whether f is one of Families.
func (f Family) Known() bool {
	for _, g := range Families {
		if f == g {
			return true
		}
	}
	return false
}
