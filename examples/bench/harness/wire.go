package harness

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// tcpPort returns the TCP port of the first address like
// /ip4/127.0.0.1/tcp/PORT/..., or 0.
func tcpPort(addrs []string) int {
	for _, a := range addrs {
		parts := strings.Split(a, "/")
		for i := 0; i+1 < len(parts); i++ {
			if parts[i] == "tcp" {
				if p, err := strconv.Atoi(parts[i+1]); err == nil {
					return p
				}
			}
		}
	}
	return 0
}

// Wire is what the kernel counted on the TCP connections between some
// ports on 127.0.0.1: payload bytes both ways (libp2p's Noise, yamux,
// multistream, identify, pubsub and weft's own frames; not TCP/IP
// headers) and data segments each way.
type Wire struct {
	Conns       int
	Bytes       int64
	DataSegsOut int64 // from the lower-numbered end
	DataSegsIn  int64
}

// Sub is w minus an earlier reading of the same connections.
func (w Wire) Sub(o Wire) Wire {
	return Wire{Conns: w.Conns, Bytes: w.Bytes - o.Bytes, DataSegsOut: w.DataSegsOut - o.DataSegsOut, DataSegsIn: w.DataSegsIn - o.DataSegsIn}
}

// readWire reads, with ss(8) (netlink inet_diag, TCP_INFO), every
// established TCP connection on 127.0.0.1 with an end on one of ports,
// counting each connection once (from the end whose address sorts first)
// and adding bytes_sent and bytes_received. A connection that closed is
// no longer counted: read while the connections are open.
func readWire(ctx context.Context, ports ...int) (Wire, error) {
	out, err := exec.CommandContext(ctx, "ss", "-tinH", "state", "established").Output()
	if err != nil {
		return Wire{}, fmt.Errorf("harness: ss (iproute2) is needed to count bytes on the wire: %w", err)
	}
	want := map[string]bool{}
	for _, p := range ports {
		want[strconv.Itoa(p)] = true
	}
	var w Wire
	sc := bufio.NewScanner(bytes.NewReader(out))
	var local, remote string
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			f := strings.Fields(line)
			local, remote = "", ""
			if len(f) >= 4 {
				local, remote = f[2], f[3]
			}
			continue
		}
		if local == "" || local > remote || !(want[portOf(local)] || want[portOf(remote)]) {
			continue
		}
		if !strings.HasPrefix(local, "127.0.0.1:") || !strings.HasPrefix(remote, "127.0.0.1:") {
			continue
		}
		w.Conns++
		w.Bytes += field(line, "bytes_sent:") + field(line, "bytes_received:")
		w.DataSegsOut += field(line, "data_segs_out:")
		w.DataSegsIn += field(line, "data_segs_in:")
		local = ""
	}
	return w, sc.Err()
}

func portOf(hostport string) string {
	i := strings.LastIndexByte(hostport, ':')
	return hostport[i+1:]
}

func field(line, key string) int64 {
	i := strings.Index(line, key)
	if i < 0 {
		return 0
	}
	rest := line[i+len(key):]
	if j := strings.IndexByte(rest, ' '); j >= 0 {
		rest = rest[:j]
	}
	v, _ := strconv.ParseInt(rest, 10, 64)
	return v
}
