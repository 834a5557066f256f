package daemon

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckUID(t *testing.T) {
	tests := []struct {
		name string
		peer uint32
		uid  int
		ok   bool
	}{
		{"same user", 1000, 1000, true},
		{"root to root", 0, 0, true},
		{"another user", 1001, 1000, false},
		{"root connecting to a user", 0, 1000, false},
		{"user connecting to root", 1000, 0, false},
		{"no uid", 4294967295, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkUID(tt.peer, tt.uid)
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrPeer)) {
				t.Fatalf("checkUID(%d, %d) = %v", tt.peer, tt.uid, err)
			}
		})
	}
}

// TestPeerUID reads the real credentials of both ends of a connection.
func TestPeerUID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server := <-accepted
	defer server.Close()
	for name, c := range map[string]net.Conn{"server sees client": server, "client sees server": client} {
		if uid, err := peerUID(c); err != nil || int(uid) != os.Getuid() {
			t.Errorf("%s: uid %d, %v; want %d", name, uid, err, os.Getuid())
		}
		if err := checkPeer(c, os.Getuid()+1); !errors.Is(err, ErrPeer) {
			t.Errorf("%s: checkPeer for another uid = %v", name, err)
		}
	}
}
