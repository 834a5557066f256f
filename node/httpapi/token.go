package httpapi

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// Files in the home folder. The token file is the API's one secret: only
// its owner may read it. The address file says where the running weft
// serve answers; it is removed when serve stops.
const (
	TokenFile = "http-token"
	AddrFile  = "http-address"
)

// ErrNoToken matches the error of ReadToken when no token was made yet.
var ErrNoToken = errors.New("httpapi: no token")

// tokenBytes is the token's entropy: 256 bits.
const tokenBytes = 32

// LoadOrCreateToken returns the home's token, making one (random, written
// with mode 0600) when there is none. A token file others may read is
// refused.
func LoadOrCreateToken(home string) (string, error) {
	tok, err := ReadToken(home)
	if !errors.Is(err, ErrNoToken) {
		return tok, err
	}
	b := make([]byte, tokenBytes)
	rand.Read(b) // never fails (crypto/rand)
	tok = base64.RawURLEncoding.EncodeToString(b)
	path := filepath.Join(home, TokenFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it first
		return ReadToken(home)
	}
	if err != nil {
		return "", fmt.Errorf("httpapi: make token: %w", err)
	}
	_, err = f.WriteString(tok + "\n")
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("httpapi: write token %s: %w", path, err)
	}
	return tok, nil
}

// ReadToken reads the home's token; with none made yet, the error matches
// ErrNoToken.
func ReadToken(home string) (string, error) {
	path := filepath.Join(home, TokenFile)
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w in %s: weft serve makes it", ErrNoToken, home)
	}
	if err != nil {
		return "", fmt.Errorf("httpapi: read token: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("httpapi: token file %s may be read by others (mode %v): run 'chmod 600 %s', or delete it for a new token",
			path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("httpapi: read token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("httpapi: token file %s is empty: delete it, and weft serve makes a new one", path)
	}
	return tok, nil
}

// WriteAddr records where the API answers, in one step (a reader never
// sees half of it).
func WriteAddr(home, addr string) error {
	tmp, err := os.CreateTemp(home, ".http-address-*")
	if err != nil {
		return fmt.Errorf("httpapi: write address: %w", err)
	}
	_, err = tmp.WriteString(addr + "\n")
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(home, AddrFile))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("httpapi: write address: %w", err)
	}
	return nil
}

// ReadAddr reads where the API answers; the error matches fs.ErrNotExist
// when weft serve does not run it.
func ReadAddr(home string) (string, error) {
	b, err := os.ReadFile(filepath.Join(home, AddrFile))
	if err != nil {
		return "", fmt.Errorf("httpapi: read address: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// RemoveAddr removes the address file.
func RemoveAddr(home string) error {
	err := os.Remove(filepath.Join(home, AddrFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("httpapi: remove address: %w", err)
	}
	return nil
}

// BaseURL is the URL of the API on addr: an unspecified host (0.0.0.0 or
// ::, every interface) is reached on 127.0.0.1.
func BaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// LoginURL is the address a browser opens to log in: the token is in the
// fragment, which browsers never send to a server or put in a Referer.
func LoginURL(addr, token string) string { return BaseURL(addr) + "/#token=" + token }
