package daemon

import "maps"

// Methods lists every method the dispatch table serves.
func Methods() []string {
	var names []string
	for k := range maps.Keys(dispatch()) {
		names = append(names, k)
	}
	return names
}
