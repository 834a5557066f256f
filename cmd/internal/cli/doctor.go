package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func doctorCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check the network: can this node be reached, who answers, and why a member cannot be reached",
		Long: "Ask the running weft serve to check its network now: whether this node can be reached and\n" +
			"through what, which relays accept it, which remembered peers answer, and for each member\n" +
			"that cannot be reached the likely reason and what to try. It dials the peers it checks.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				d, err := n.Doctor(ctx)
				if err != nil {
					return err
				}
				return e.emit(d, func(w io.Writer) { printDoctor(w, d) })
			})
		},
	}
}

func printDoctor(w io.Writer, d node.Doctor) {
	for _, s := range d.Summary {
		fmt.Fprintln(w, s)
	}
	if !d.Serving {
		return
	}
	for _, r := range d.Relays {
		state := "accepts to relay to us"
		if !r.Reservation {
			state = "refuses or does not answer: " + r.Error
		}
		fmt.Fprintf(w, "relay %s: %s\n", r.PeerID, state)
	}
	for _, p := range d.Peers {
		who := orDefault(p.Name, "?")
		if !p.Member {
			who += " (remembered, not a member)"
		}
		switch {
		case p.Answers && p.Problem == "":
			fmt.Fprintf(w, "%s %s: reached (%s)\n", who, p.PeerID, p.Reached)
		case p.Answers:
			fmt.Fprintf(w, "%s %s: reached (%s), but %s\n    try: %s\n", who, p.PeerID, p.Reached, p.Explain, p.Try)
		default:
			fmt.Fprintf(w, "%s %s: cannot be reached [%s]: %s\n    try: %s\n", who, p.PeerID, p.Problem, p.Explain, p.Try)
		}
	}
	if len(d.LAN) > 0 {
		fmt.Fprintf(w, "mDNS announces: %s\n", strings.Join(d.LAN, ", "))
	}
}
