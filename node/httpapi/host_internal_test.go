package httpapi

import "testing"

func TestHostCheckOffLoopback(t *testing.T) {
	tests := []struct {
		listen, host string
		ok           bool
	}{
		{"0.0.0.0:7420", "192.168.1.20:7420", true}, // every interface: any address of this machine
		{"0.0.0.0:7420", "localhost:7420", true},
		{"0.0.0.0:7420", "attacker.example:7420", false},
		{"myhost.lan:7420", "myhost.lan:7420", true}, // the name --http gave
		{"myhost.lan:7420", "MyHost.lan", true},
		{"myhost.lan:7420", "otherhost.lan:7420", false},
		{"127.0.0.1:7420", "10.0.0.1:7420", false},
		{"127.0.0.1:7420", "127.0.0.2:7420", true},
		{"[::1]:7420", "[::1]:7420", true},
		{"[::1]:7420", "", false},
	}
	for _, tt := range tests {
		if got := newHostCheck(tt.listen).allowed(tt.host); got != tt.ok {
			t.Errorf("listening on %s, Host %q allowed = %v, want %v", tt.listen, tt.host, got, tt.ok)
		}
	}
}
