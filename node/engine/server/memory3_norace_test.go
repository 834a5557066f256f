//go:build !race

package server

// raceEnabled: see memory3_race_test.go.
const raceEnabled = false
