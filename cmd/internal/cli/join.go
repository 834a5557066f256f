package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/node"
)

func joinCmd(e *env) *cobra.Command {
	var file, out, cancel string
	var request bool
	cmd := &cobra.Command{
		Use:   "join - | join --file FILE | join --cancel SPACE",
		Short: "Join a space with an invite code (read from stdin or a file, never the command line)",
		Long: `Join a space with an invite code, read from stdin or a file, never the command line.

By default the join waits, stored sealed, until weft serve reaches a member of
the space (at the addresses the code carries, or any peer this node knows),
who admits this node over the network; the space's ID goes to stdout. Edits
made to the space meanwhile are queued and applied once its documents arrive.

With --request (or -o FILE), it writes instead a join request for a member to
admit offline with 'weft admit'.

With --cancel SPACE, it forgets a pending join (one whose invite expired, say)
and drops the edits queued for that space.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cancel != "" {
				if len(args) > 0 || file != "" || request || out != "" {
					return usagef("--cancel SPACE takes no invite code and no other flag")
				}
				return e.withNode(cmd, func(ctx context.Context, n Backend) error { return cancelJoin(ctx, e, n, cancel) })
			}
			src, err := codeSource(args, file)
			if err != nil {
				return err
			}
			code, err := readLimited(e, src, node.MaxInviteCodeLen+2)
			if err != nil {
				return err
			}
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				if request || out != "" {
					return joinRequest(ctx, e, n, string(code), out)
				}
				return joinPending(ctx, e, n, string(code))
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "read the invite code from FILE")
	cmd.Flags().BoolVar(&request, "request", false, "write a join request for offline admission instead of joining over the network")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the join request to FILE (implies --request)")
	cmd.Flags().StringVar(&cancel, "cancel", "", "forget the pending join of SPACE (its ID) and drop the edits queued for it")
	return cmd
}

// cancelJoin forgets a pending join.
func cancelJoin(ctx context.Context, e *env, n Backend, space string) error {
	dropped, err := n.CancelJoin(ctx, space)
	if err != nil {
		return err
	}
	if err := e.emit(map[string]any{"space": space, "cancelled": true, "dropped_edits": dropped},
		func(w io.Writer) {
			fmt.Fprintf(w, "join of space %s cancelled; %d queued edit(s) dropped\n", space, dropped)
		}); err != nil {
		return err
	}
	e.note("To join again, ask a member for a new invite code and run 'weft join -'.")
	return nil
}

// joinPending stores the join for the network to complete.
func joinPending(ctx context.Context, e *env, n Backend, code string) error {
	sp, err := n.Join(ctx, code)
	if err != nil {
		return err
	}
	if err := e.emit(map[string]any{"id": sp.ID, "pending": true}, func(w io.Writer) { fmt.Fprintln(w, sp.ID) }); err != nil {
		return err
	}
	e.note("Join of space %s is pending. While 'weft serve' runs, this node asks the space's members to admit it; 'weft status' shows how it goes.", sp.ID)
	e.note("Edits you make to the space before its documents arrive are queued and applied then.")
	return nil
}

// joinRequest writes a join request for offline admission.
func joinRequest(ctx context.Context, e *env, n Backend, code, out string) error {
	req, space, err := n.JoinRequest(ctx, code)
	if err != nil {
		return err
	}
	if err := writeOutput(e, out, func(w io.Writer) error { _, err := w.Write(req); return err }); err != nil {
		return err
	}
	e.note("Join request for space %s written to %s. Carry it to any member of the space: they run 'weft admit FILE -o WELCOME'; then you run 'weft welcome WELCOME'.",
		space, orStdout(out))
	return nil
}

// emitAdded prints the ID of an added event, case or entry and, in a
// pending space, says that the edit is queued.
func (e *env) emitAdded(sp node.Space, id string) error {
	if !sp.Pending {
		return e.emit(map[string]string{"id": id}, func(w io.Writer) { fmt.Fprintln(w, id) })
	}
	if err := e.emit(map[string]any{"id": id, "queued": true}, func(w io.Writer) { fmt.Fprintln(w, id) }); err != nil {
		return err
	}
	e.note("Queued: space %s is pending (not admitted yet, or its documents have not arrived). The edit is applied once they arrive.", sp.ID)
	return nil
}

// codeSource says where the invite code comes from: "-" (stdin) or --file.
func codeSource(args []string, file string) (string, error) {
	switch {
	case len(args) == 1 && args[0] == "-" && file == "":
		return "-", nil
	case len(args) == 0 && file != "":
		return file, nil
	}
	return "", usagef("give the invite code on stdin ('weft join -') or in a file ('weft join --file FILE'), never as an argument")
}

func admitCmd(e *env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "admit FILE",
		Short: "Admit the joiner of a join request into your space and write their welcome",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := readLimited(e, args[0], node.MaxJoinRequest)
			if err != nil {
				return err
			}
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				welcome, err := n.Admit(ctx, req)
				if err != nil {
					return err
				}
				if err := writeOutput(e, out, func(w io.Writer) error { _, err := w.Write(welcome); return err }); err != nil {
					return err
				}
				e.note("Admitted. Give the welcome (%s) back to the joiner, who runs 'weft welcome FILE'. It holds the space's key sealed to them alone.", orStdout(out))
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the welcome to FILE instead of stdout")
	return cmd
}

func welcomeCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "welcome FILE",
		Short: "Accept a welcome: join the space and import its documents",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := readLimited(e, args[0], node.MaxWelcome)
			if err != nil {
				return err
			}
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				sp, err := n.AcceptWelcome(ctx, w)
				if err != nil {
					return err
				}
				return e.emit(map[string]string{"id": sp.ID, "name": sp.Name}, func(w io.Writer) {
					fmt.Fprintf(w, "joined %s  %s\n", sp.ID, sp.Name)
				})
			})
		},
	}
}

// readLimited reads a file ("-" for stdin) of at most limit bytes.
func readLimited(e *env, name string, limit int) ([]byte, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("cannot read %s: %v", name, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, usagef("cannot read %s: %v", name, err)
	}
	if len(b) > limit {
		return nil, usagef("%s is larger than %d bytes", name, limit)
	}
	return b, nil
}

func orStdout(name string) string {
	if name == "" || name == "-" {
		return "stdout"
	}
	return name
}
