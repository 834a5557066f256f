package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

func eventListCmd(e *env) *cobra.Command {
	var from, to, calendar, zone string
	var expand bool
	cmd := &cobra.Command{
		Use:   "list SPACE",
		Short: "List events (a recurring event once, with its rule; --expand lists occurrences)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := parseRange(from, to, zone)
			if err != nil {
				return err
			}
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				evs, err := n.Events(ctx, sp, calendar)
				if err != nil {
					return err
				}
				if evs, err = node.SelectEvents(evs, r.from, r.to, expand); err != nil {
					return err
				}
				return e.emit(nonNil(evs), func(w io.Writer) { printEvents(w, evs) })
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "only events from this date or time (inclusive)")
	cmd.Flags().StringVar(&to, "to", "", "only events before this date or time (exclusive)")
	cmd.Flags().StringVar(&zone, "zone", "", "zone for --from and --to (default: this machine's)")
	cmd.Flags().StringVar(&calendar, "calendar", "", "only this calendar (name or ID)")
	cmd.Flags().BoolVar(&expand, "expand", false, "list each occurrence of recurring events")
	return cmd
}

type timeRange struct{ from, to time.Time }

// parseRange reads --from and --to as dates or times; an empty bound is open.
func parseRange(from, to, zone string) (timeRange, error) {
	var r timeRange
	var err error
	if from != "" {
		if r.from, err = parseBound(from, zone); err != nil {
			return r, fmt.Errorf("--from: %w", err)
		}
	}
	if to != "" {
		if r.to, err = parseBound(to, zone); err != nil {
			return r, fmt.Errorf("--to: %w", err)
		}
	}
	if !r.from.IsZero() && !r.to.IsZero() && !r.to.After(r.from) {
		return r, usagef("--to must be after --from")
	}
	return r, nil
}

func parseBound(s, zone string) (time.Time, error) {
	if len(s) == len(time.DateOnly) {
		d, err := model.ParseDay(s)
		if err != nil {
			return time.Time{}, err
		}
		loc := machineZone()
		if zone != "" {
			if loc, err = time.LoadLocation(zone); err != nil {
				return time.Time{}, fmt.Errorf("%w: %q", model.ErrUnknownZone, zone)
			}
		}
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc), nil
	}
	t, _, err := model.ParseTime(s, zone, machineZone())
	return t, err
}

func printEvents(w io.Writer, evs []node.CalendarEvent) {
	for _, ev := range evs {
		when := ev.Start
		if ev.End != "" {
			when += " – " + ev.End
		}
		fmt.Fprintf(w, "%s  %s  %-9s %-13s %s\n", ev.ID, when, ev.Status, ev.Kind, ev.Title)
		if len(ev.Recurrence) > 0 {
			fmt.Fprintf(w, "    repeats: %v\n", ev.Recurrence)
		}
	}
}

func eventShowCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "show SPACE EVENT",
		Short: "Show one event",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withEvent(cmd, args, func(_ context.Context, _ Backend, _ node.Space, ev node.CalendarEvent) error {
				return e.emit(ev, func(w io.Writer) { printEvent(w, ev) })
			})
		},
	}
}

// withEvent opens the node, resolves the SPACE and EVENT arguments and runs fn.
func (e *env) withEvent(cmd *cobra.Command, args []string, fn func(context.Context, Backend, node.Space, node.CalendarEvent) error) error {
	return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
		ev, err := n.Event(ctx, sp, args[1])
		if err != nil {
			return err
		}
		return fn(ctx, n, sp, ev)
	})
}

func printEvent(w io.Writer, ev node.CalendarEvent) {
	fmt.Fprintf(w, "%s\n  id:       %s\n  calendar: %s\n  kind:     %s\n  status:   %s\n  start:    %s\n",
		ev.Title, ev.ID, ev.Calendar, ev.Kind, ev.Status, ev.Start)
	for _, kv := range [][2]string{{"end", ev.End}, {"zone", ev.Zone}, {"place", ev.Place},
		{"online", ev.Online}, {"description", ev.Description}} {
		if kv[1] != "" {
			fmt.Fprintf(w, "  %-9s %s\n", kv[0]+":", kv[1])
		}
	}
	if ev.AllDay {
		fmt.Fprintln(w, "  all day")
	}
	if len(ev.Languages) > 0 {
		fmt.Fprintf(w, "  languages: %v\n", ev.Languages)
	}
	for _, r := range ev.Recurrence {
		fmt.Fprintf(w, "  %s\n", r)
	}
}
