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
	var file, out string
	cmd := &cobra.Command{
		Use:   "join - | join --file FILE",
		Short: "Turn an invite code (read from stdin or a file, never the command line) into a join request",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := codeSource(args, file)
			if err != nil {
				return err
			}
			code, err := readLimited(e, src, node.MaxInviteCodeLen+2)
			if err != nil {
				return err
			}
			return e.withNode(cmd, func(ctx context.Context, n Backend) error {
				req, space, err := n.JoinRequest(ctx, string(code))
				if err != nil {
					return err
				}
				if err := writeOutput(e, out, func(w io.Writer) error { _, err := w.Write(req); return err }); err != nil {
					return err
				}
				e.note("Join request for space %s written to %s. Carry it to any member of the space: they run 'weft admit FILE -o WELCOME'; then you run 'weft welcome WELCOME'.",
					space, orStdout(out))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "read the invite code from FILE")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the request to FILE instead of stdout")
	return cmd
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
