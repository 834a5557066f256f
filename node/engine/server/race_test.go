//go:build race

package server

// raceEnabled: under the race detector, C's malloc and free are the
// detector's, not glibc's, so glibc's heap policy cannot be observed.
const raceEnabled = true
