package daemon

import (
	"io"
	"maps"
)

// Methods lists every method the dispatch table serves.
func Methods() []string {
	var names []string
	for k := range maps.Keys(dispatch()) {
		names = append(names, k)
	}
	return names
}

// ReadResponse reads one response frame and returns its error.
func ReadResponse(r io.Reader) error {
	var resp response
	if err := readFrame(r, &resp); err != nil {
		return err
	}
	if resp.Err == nil {
		return nil
	}
	return fromWire(resp.Err)
}
