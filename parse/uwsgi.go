package parse

// detectUWSGI recognises uWSGI's default request log lines.
func detectUWSGI(lines [][]byte) (Detection, bool) {
	return Detection{}, false
}
