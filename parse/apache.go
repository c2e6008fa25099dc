package parse

import "fmt"

// compilePercent compiles a format string in Apache LogFormat or php-fpm
// access.format syntax (%h %t %P %D ...); syntax is "apache", "phpfpm" or
// "" to tell from the string.
func compilePercent(spec, syntax string) (*Format, error) {
	return nil, fmt.Errorf("cannot tell the syntax of %q: expected gunicorn atoms like %%(p)s or nginx variables like $pid", spec)
}
