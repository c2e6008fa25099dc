package parse

// detectJSON recognises JSON-per-line access logs (nginx escape=json, or any
// JSON log with a worker field). Written in full with the JSON format.
func detectJSON(lines [][]byte) (Detection, bool) {
	return Detection{}, false
}
