package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"

	"github.com/weftsync/weft/node/p2p"
)

// doctorProbe bounds each of the doctor's dials.
const doctorProbe = 8 * time.Second

// Problems the doctor names, in Doctor's JSON as they are here.
const (
	ProblemNoAddress    = "no_address"    // no address known and no relay
	ProblemRefused      = "refused"       // the address refused the connection
	ProblemNoAnswer     = "no_answer"     // nothing answered at the known addresses
	ProblemRelayRefused = "relay_refused" // the relay's access list refused the circuit
	ProblemNotOnRelay   = "not_on_relay"  // the member holds no reservation on the relay
	ProblemRelayLimits  = "relay_limits"  // reached only through a relay that limits circuits
	ProblemOnlyRelayed  = "only_relayed"  // reached, but only through a relay
	ProblemQuarantined  = "quarantined"   // this node refuses the peer
	ProblemUnknown      = "unknown"       // the dial failed for another reason
)

// Doctor is the network doctor's report: whether this node can be
// reached and through what, which remembered peers answer, and for each
// member that cannot be reached the likely reason and what to try.
type Doctor struct {
	PeerID    string        `json:"peer_id"`
	Serving   bool          `json:"serving"`
	Reachable string        `json:"reachable"` // "public", "private" or "unknown"
	Listen    []string      `json:"listen"`
	Relay     bool          `json:"relay"`          // this node relays for its members
	LAN       []string      `json:"lan_advertised"` // what mDNS announces, with the peer ID
	Relays    []DoctorRelay `json:"relays"`
	Peers     []DoctorPeer  `json:"peers"`
	Summary   []string      `json:"summary"`
	Checked   time.Time     `json:"checked"`
}

// DoctorRelay is one relay this node knows and what it answered.
type DoctorRelay struct {
	PeerID      string `json:"peer_id"`
	Connected   bool   `json:"connected"`
	Reservation bool   `json:"reservation"` // it accepted to relay circuits to us
	Error       string `json:"error,omitempty"`
}

// DoctorPeer is one member or remembered peer.
type DoctorPeer struct {
	PeerID  string   `json:"peer_id"`
	Name    string   `json:"name"`
	Member  bool     `json:"member"`
	Spaces  []string `json:"spaces"`
	Reached string   `json:"reached"` // lan, direct, hole_punched, relayed, or "" when not
	Answers bool     `json:"answers"` // connected, or answered the doctor's dial
	Problem string   `json:"problem,omitempty"`
	Explain string   `json:"explain,omitempty"`
	Try     string   `json:"try,omitempty"`
}

// Doctor checks the running network: it dials every member and
// remembered peer that is not connected, asks every known relay for a
// reservation, and explains what fails. Without weft serve it says so.
func (n *Node) Doctor(ctx context.Context) (Doctor, error) {
	d := Doctor{PeerID: n.PeerID(), Listen: []string{}, LAN: []string{}, Relays: []DoctorRelay{},
		Peers: []DoctorPeer{}, Checked: n.now().UTC()}
	s, err := n.running()
	if errors.Is(err, ErrNotServing) {
		d.Reachable = "unknown"
		d.Summary = []string{"weft serve is not running, so this node reaches nobody and nobody reaches it. Run 'weft serve' (with --lan on a shared network, or --peer ADDRESS), then 'weft doctor' again."}
		return d, nil
	}
	d.Serving = true
	d.Listen = n.Addrs()
	d.Relay = s.opts.Relay
	d.LAN = append(d.LAN, s.reach.lanAddrs...)
	d.Reachable = s.reachability()
	v, err := n.rosterView(ctx)
	if err != nil {
		return d, err
	}
	remembered, err := n.rememberedPeers(ctx)
	if err != nil {
		return d, err
	}
	d.Relays = s.checkRelays(ctx)
	d.Peers = s.checkPeers(ctx, v, remembered, d.Relays)
	d.Summary = d.summarise(s)
	return d, nil
}

// reachability says whether others can dial this node directly:
// libp2p's verdict (forced on relays and on nodes without a public
// address, AutoNAT's otherwise), "unknown" until there is one.
func (s *netState) reachability() string {
	if v, ok := s.reach.reachable.Load().(string); ok && v != "" {
		return v
	}
	switch {
	case s.opts.Relay:
		return "public"
	case !hasPublic(s.h.Addrs()):
		return "private"
	}
	return "unknown"
}

func hasPublic(addrs []ma.Multiaddr) bool {
	return slices.ContainsFunc(addrs, manet.IsPublicAddr)
}

// checkRelays asks every known relay for a reservation, in parallel.
func (s *netState) checkRelays(ctx context.Context) []DoctorRelay {
	relays := s.knownRelays()
	if s.opts.Relay {
		return []DoctorRelay{}
	}
	out := make([]DoctorRelay, len(relays))
	var wg sync.WaitGroup
	for i, r := range relays {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, doctorProbe)
			defer cancel()
			dr := DoctorRelay{PeerID: r.ID.String()}
			if _, err := client.Reserve(ctx, s.h, r); err != nil {
				dr.Error = err.Error()
			} else {
				dr.Reservation = true
			}
			dr.Connected = len(s.h.Network().ConnsToPeer(r.ID)) > 0
			out[i] = dr
		})
	}
	wg.Wait()
	return out
}

// checkPeers dials, in parallel, every member and remembered peer not
// connected, and explains each.
func (s *netState) checkPeers(ctx context.Context, v rosterView, remembered []peer.AddrInfo, relays []DoctorRelay) []DoctorPeer {
	names := s.n.memberNames(ctx)
	ids := map[peer.ID]bool{}
	for p := range v.members {
		ids[p] = true
	}
	for _, info := range remembered {
		ids[info.ID] = true
	}
	delete(ids, s.h.ID())
	order := make([]peer.ID, 0, len(ids))
	for p := range ids {
		order = append(order, p)
	}
	slices.SortFunc(order, func(a, b peer.ID) int {
		return strings.Compare(names[a.String()]+a.String(), names[b.String()]+b.String())
	})
	out := make([]DoctorPeer, len(order))
	var wg sync.WaitGroup
	for i, p := range order {
		_, member := v.members[p]
		out[i] = DoctorPeer{PeerID: p.String(), Name: names[p.String()], Member: member, Spaces: orEmpty(v.members[p])}
		wg.Go(func() { s.checkPeer(ctx, p, &out[i], relays) })
	}
	wg.Wait()
	return out
}

func orEmpty(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// memberNames maps peer IDs to display names from the rosters.
func (n *Node) memberNames(ctx context.Context) map[string]string {
	byID := map[string]*PeerInfo{}
	err := n.memberPeers(ctx, func(id string) *PeerInfo {
		if p, ok := byID[id]; ok {
			return p
		}
		p := &PeerInfo{}
		byID[id] = p
		return p
	})
	out := map[string]string{}
	if err != nil {
		return out
	}
	for id, p := range byID {
		out[id] = p.Name
	}
	return out
}

// checkPeer fills in how p is reached, or dials it and explains why not.
func (s *netState) checkPeer(ctx context.Context, p peer.ID, dp *DoctorPeer, relays []DoctorRelay) {
	if path := p2p.PathOf(s.h, s.reach.paths, p); path != "" {
		dp.Reached, dp.Answers = path, true
		s.explainConnected(p, dp)
		return
	}
	if s.deny.has(p) {
		dp.Problem = ProblemQuarantined
		dp.Explain = "this node refuses the peer: changes of theirs are quarantined"
		dp.Try = "review them with weft status and release them if they are sound"
		return
	}
	st := s.dial.state(p)
	addrs := append(st.addrs, s.h.Peerstore().Addrs(p)...)
	if len(addrs) == 0 {
		if len(relays) == 0 {
			dp.Problem = ProblemNoAddress
			dp.Explain = "no address is known for this member and no relay is known to reach them through"
			dp.Try = "on the same network, both run weft serve --lan; otherwise ask them for an address (weft serve prints them) and run weft serve --peer ADDRESS, or agree on a relay: a member with a public address runs weft serve --relay and everyone runs weft serve --peer RELAY-ADDRESS"
			return
		}
		for _, r := range relays {
			if r.Reservation || r.Connected {
				if rid, err := peer.Decode(r.PeerID); err == nil {
					addrs = append(addrs, p2p.CircuitAddrs(peer.AddrInfo{ID: rid, Addrs: s.h.Peerstore().Addrs(rid)}, p)...)
				}
			}
		}
	}
	if sw, ok := s.h.Network().(*swarm.Swarm); ok {
		sw.Backoff().Clear(p)
	}
	pctx, cancel := context.WithTimeout(ctx, doctorProbe)
	defer cancel()
	err := s.h.Connect(pctx, peer.AddrInfo{ID: p, Addrs: addrs})
	if err == nil {
		dp.Reached, dp.Answers = p2p.PathOf(s.h, s.reach.paths, p), true
		s.explainConnected(p, dp)
		s.pullSoon(p)
		return
	}
	if st.lastErr != nil && strings.Contains(err.Error(), "backoff") {
		err = st.lastErr
	}
	explainDialError(err, dp)
}

// explainConnected notes what a connected peer still lacks.
func (s *netState) explainConnected(p peer.ID, dp *DoctorPeer) {
	if dp.Reached != p2p.PathRelayed {
		return
	}
	if p2p.OnlyLimited(s.h, p) {
		dp.Problem = ProblemRelayLimits
		dp.Explain = "reached only through a relay that limits each circuit's length and data: live updates (gossip) cannot use it, so weft pulls every few seconds and starts over when the relay cuts the circuit"
		dp.Try = "use a relay run by a member with weft serve --relay (no limits), or get a direct path: the same LAN (--lan), a public address, or a router that allows hole punching"
		return
	}
	dp.Problem = ProblemOnlyRelayed
	dp.Explain = "reached only through a relay: changes flow, but everything passes through the relay's operator's machine (sealed, it cannot read them) and stops when the relay does"
	dp.Try = "nothing is required; a direct path needs the same LAN (--lan), a public address, or routers that allow hole punching"
}

// explainDialError turns a failed dial into a problem and advice.
func explainDialError(err error, dp *DoctorPeer) {
	msg := err.Error()
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(msg, x) {
				return true
			}
		}
		return false
	}
	switch {
	case has("PERMISSION_DENIED"):
		dp.Problem = ProblemRelayRefused
		dp.Explain = "the relay refused to connect us: a weft relay relays only between members of its own spaces and the peers its operator allowed"
		dp.Try = "ask the relay's operator to add your peer ID (weft id) and theirs with weft serve --relay --relay-allow PEER-ID, or use a relay run by a member of this space"
	case has("NO_RESERVATION"):
		dp.Problem = ProblemNotOnRelay
		dp.Explain = "the relay answered, but this member holds no reservation on it: they are offline, or not using this relay"
		dp.Try = "ask them to run weft serve --peer RELAY-ADDRESS (the same relay you use)"
	case has("RESOURCE_LIMIT_EXCEEDED", "RESERVATION_REFUSED"):
		dp.Problem = ProblemRelayLimits
		dp.Explain = "the relay is at its limits (too many circuits or reservations)"
		dp.Try = "try again later, or run a relay for your coalition with weft serve --relay"
	case has("connection refused"):
		dp.Problem = ProblemRefused
		dp.Explain = "their machine answered but refused the connection: weft serve is not running there, or listens on another port"
		dp.Try = "ask them to run weft serve, and for its current address (weft status prints it)"
	case has("gater", "denied"):
		dp.Problem = ProblemRefused
		dp.Explain = "the connection was refused by a connection filter"
		dp.Try = "check weft status for quarantined changes on either side"
	case has("timeout", "deadline", "no route", "unreachable", "i/o timeout", "no good addresses", "all dials failed"):
		dp.Problem = ProblemNoAnswer
		dp.Explain = "nothing answered at the addresses known for this member: they are offline, moved, or a router or firewall is in the way"
		dp.Try = "check they run weft serve; if they sit behind a router, agree on a relay (a member with a public address runs weft serve --relay, everyone adds --peer RELAY-ADDRESS); on the same network use --lan"
	default:
		dp.Problem = ProblemUnknown
		dp.Explain = "the connection failed: " + msg
		dp.Try = "run weft doctor again; if it persists, compare weft status on both sides"
	}
	if dp.Problem != ProblemUnknown {
		dp.Explain += fmt.Sprintf(" (%s)", firstLine(msg))
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// summarise says the report in a few plain sentences.
func (d *Doctor) summarise(s *netState) []string {
	var out []string
	switch {
	case d.Relay:
		out = append(out, "This node runs a relay for the members of its spaces and the peers given with --relay-allow; it tells the network it is publicly reachable.")
	case d.Reachable == "private":
		out = append(out, "This node has no public address: others reach it only on the same network, through a relay, or by hole punching.")
	default:
		out = append(out, "This node listens on a public address; whether it is really reachable depends on firewalls between.")
	}
	reserved := 0
	for _, r := range d.Relays {
		if r.Reservation {
			reserved++
		}
	}
	if !d.Relay {
		switch {
		case reserved > 0:
			out = append(out, fmt.Sprintf("%d relay(s) accept to relay members to this node.", reserved))
		case len(d.Relays) > 0:
			out = append(out, "No known relay accepts to relay to this node: ask its operator to allow you (--relay-allow).")
		default:
			out = append(out, "No relay is known.")
		}
	}
	if len(d.LAN) > 0 {
		out = append(out, "On this LAN, mDNS announces this node's peer ID and addresses to everyone.")
	}
	answer, members, unreached := 0, 0, 0
	for _, p := range d.Peers {
		if p.Answers {
			answer++
		}
		if p.Member {
			members++
			if !p.Answers {
				unreached++
			}
		}
	}
	out = append(out, fmt.Sprintf("%d of %d known peer(s) answer; %d of %d member(s) cannot be reached now.", answer, len(d.Peers), unreached, members))
	return out
}
