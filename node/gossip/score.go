package gossip

import (
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Scores of the peer scoring weft runs pubsub with (DESIGN.md section 7,
// WithPeerScore fed by the quarantine list). Only the application score is
// weighted: the topic scores would need per-topic parameters that change
// with every epoch, and IP colocation means nothing for a coalition whose
// members may share a NAT (or, in tests, 127.0.0.1).
const (
	// BannedScore is the application score of a peer Options.Banned names
	// (the author of quarantined changes): far below GraylistThreshold, so
	// pubsub ignores its RPCs and prunes it from every mesh.
	BannedScore = -1e6
	// AbusePenalty is the score a forwarder loses per envelope it sent
	// over quota beyond Quota.AbuseAfter.
	AbusePenalty = -1.0
	// GossipThreshold, PublishThreshold and GraylistThreshold are pubsub's
	// thresholds: below the first a peer gets no gossip, below the second
	// none of our publishes, below the third its RPCs are ignored.
	GossipThreshold   = -100
	PublishThreshold  = -200
	GraylistThreshold = -400
)

// scoreDecay is pubsub's score refresh interval.
const scoreDecay = time.Second

// scoring is the peer score weft passes to pubsub.
func (g *Gossip) scoring() pubsub.Option {
	params := &pubsub.PeerScoreParams{
		AppSpecificScore:  g.appScore,
		AppSpecificWeight: 1,
		DecayInterval:     scoreDecay,
		DecayToZero:       0.01,
		RetainScore:       10 * time.Minute,
		Topics:            map[string]*pubsub.TopicScoreParams{},
	}
	thresholds := &pubsub.PeerScoreThresholds{
		GossipThreshold:   GossipThreshold,
		PublishThreshold:  PublishThreshold,
		GraylistThreshold: GraylistThreshold,
	}
	return pubsub.WithPeerScore(params, thresholds)
}

// appScore is BannedScore for a banned peer, else minus the forwarder's
// abuse of its quota.
func (g *Gossip) appScore(p peer.ID) float64 {
	if g.opts.Banned(p) {
		return BannedScore
	}
	return AbusePenalty * g.quota.abusive(string(p), time.Now())
}

// Score is pubsub's application score of p as this Gossip computes it:
// BannedScore for a banned peer, negative for one abusing its quota, 0
// otherwise.
func (g *Gossip) Score(p peer.ID) float64 { return g.appScore(p) }
