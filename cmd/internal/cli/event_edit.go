package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

func eventEditCmd(e *env) *cobra.Command {
	var f eventFlags
	cmd := &cobra.Command{
		Use:   "edit SPACE EVENT [flags]",
		Short: "Change the given fields of an event (others are left alone)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withEvent(cmd, args, func(ctx context.Context, n Backend, sp node.Space, ev node.CalendarEvent) error {
				p, err := f.patch(e, cmd, ev.Event)
				if err != nil {
					return err
				}
				if err := n.PatchEvent(ctx, sp, p); err != nil {
					return err
				}
				e.adviseOpBudget(ctx, n, sp)
				return e.emit(map[string]string{"id": ev.ID}, func(w io.Writer) { fmt.Fprintln(w, ev.ID) })
			})
		},
	}
	f.register(cmd)
	return cmd
}

// patch turns the flags that were given into a per-field edit of ev.
func (f *eventFlags) patch(e *env, cmd *cobra.Command, ev model.Event) (model.EventPatch, error) {
	p := model.EventPatch{ID: ev.ID}
	set := func(name string, dst **string, v string) {
		if cmd.Flags().Changed(name) {
			*dst = &v
		}
	}
	set("title", &p.Title, f.title)
	set("kind", &p.Kind, f.kind)
	set("status", &p.Status, f.status)
	set("place", &p.Place, f.place)
	set("online", &p.Online, f.online)
	set("description", &p.Description, f.description)
	if cmd.Flags().Changed("language") {
		p.Languages = &f.languages
	}
	if err := f.patchTimes(e, cmd, ev, &p); err != nil {
		return p, err
	}
	if reflect.DeepEqual(p, model.EventPatch{ID: ev.ID}) {
		return p, usagef("nothing to change: give at least one of --title, --start, --end, --status, …")
	}
	return p, checkKindStatus(deref(p.Kind, ev.Kind), deref(p.Status, ev.Status))
}

func (f *eventFlags) patchTimes(e *env, cmd *cobra.Command, ev model.Event, p *model.EventPatch) error {
	fl := cmd.Flags()
	if !fl.Changed("start") && !fl.Changed("end") && !fl.Changed("zone") && !fl.Changed("all-day") {
		return nil
	}
	allDay := ev.AllDay
	if fl.Changed("all-day") {
		allDay = f.allDay
	}
	zone := orDefault(f.zone, ev.Zone)
	start, end := orDefault(f.start, ev.Start), orDefault(f.end, ev.End)
	st, et, z, err := e.eventTimes(start, end, zone, allDay)
	if err != nil {
		return err
	}
	p.Start, p.End, p.Zone, p.AllDay = &st, &et, &z, &allDay
	return nil
}

func deref(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func eventCancelCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel SPACE EVENT",
		Short: "Mark an event cancelled (it stays in the calendar, so everyone sees it is off)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withEvent(cmd, args, func(ctx context.Context, n Backend, sp node.Space, ev node.CalendarEvent) error {
				status := "cancelled"
				if err := n.PatchEvent(ctx, sp, model.EventPatch{ID: ev.ID, Status: &status}); err != nil {
					return err
				}
				return e.emit(map[string]string{"id": ev.ID, "status": status}, func(w io.Writer) {
					fmt.Fprintf(w, "cancelled %s %s\n", ev.ID, ev.Title)
				})
			})
		},
	}
}

func eventExportCmd(e *env) *cobra.Command {
	var calendar, out string
	cmd := &cobra.Command{
		Use:   "export SPACE [--calendar CAL] [-o FILE]",
		Short: "Write a calendar as iCalendar (.ics) for Thunderbird, Google Calendar or Outlook",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				return writeOutput(e, out, func(w io.Writer) error { return n.ExportICS(ctx, sp, calendar, w) })
			})
		},
	}
	cmd.Flags().StringVar(&calendar, "calendar", "", "calendar name or ID (default: the space's first calendar)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	return cmd
}

func eventImportCmd(e *env) *cobra.Command {
	var calendar string
	cmd := &cobra.Command{
		Use:   "import SPACE FILE.ics",
		Short: "Read events from an iCalendar file; importing again updates, never duplicates",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := openInput(e, args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				rep, err := n.ImportICS(ctx, sp, calendar, f)
				if err != nil {
					return fmt.Errorf("%s: %w", args[1], err)
				}
				return e.emit(rep, func(w io.Writer) {
					fmt.Fprintf(w, "added %d, updated %d, unchanged %d, refused %d\n", rep.Added, rep.Updated, rep.Unchanged, rep.Refused)
					for _, r := range rep.Refusals {
						fmt.Fprintf(w, "  refused %s (line %d): %s\n", r.UID, r.Line, r.Reason)
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&calendar, "calendar", "", "calendar name or ID (default: the space's first calendar)")
	return cmd
}

// openInput opens a file argument, or stdin for "-".
func openInput(e *env, name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(e.stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("cannot read %s: %v", name, err)
	}
	return f, nil
}

// writeOutput runs write against stdout, or against FILE (written whole,
// then renamed into place) when -o is given.
func writeOutput(e *env, name string, write func(io.Writer) error) error {
	if name == "" || name == "-" {
		return write(e.stdout)
	}
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return usagef("cannot write %s: %v", name, err)
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
