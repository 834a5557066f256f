package cli

import (
	"os"
	"path/filepath"
)

// homeDir resolves --home, then WEFT_HOME, then the user data folder.
func (e *env) homeDir() string {
	if e.home != "" {
		return e.home
	}
	if h := os.Getenv("WEFT_HOME"); h != "" {
		return h
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "weft")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "weft")
	}
	return ".weft"
}
