package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// eventFlags are the fields an event can be given on the command line.
type eventFlags struct {
	title, start, end, zone, kind, status, place, online, description string
	allDay                                                            bool
	languages                                                         []string
	calendar                                                          string
}

func (f *eventFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.title, "title", "", "what the event is called")
	fl.StringVar(&f.start, "start", "", "start: 'YYYY-MM-DD HH:MM' in --zone (or this machine's zone), RFC 3339, or a date with --all-day")
	fl.StringVar(&f.end, "end", "", "end, in the same forms as --start")
	fl.StringVar(&f.zone, "zone", "", "IANA time zone the times are in, such as Europe/Paris")
	fl.BoolVar(&f.allDay, "all-day", false, "the event lasts whole days; --start and --end are dates")
	fl.StringVar(&f.kind, "kind", "", "one of "+strings.Join(model.EventKinds(), ", "))
	fl.StringVar(&f.status, "status", "", "one of "+strings.Join(model.EventStatuses(), ", "))
	fl.StringVar(&f.place, "place", "", "where it happens")
	fl.StringVar(&f.online, "online", "", "a URL to join online")
	fl.StringVar(&f.description, "description", "", "longer text")
	fl.StringSliceVar(&f.languages, "language", nil, "a language the event is held in (repeatable)")
}

func eventCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "event", Short: "Add, list, edit, cancel, export and import calendar events"}
	cmd.AddCommand(eventAddCmd(e), eventListCmd(e), eventShowCmd(e), eventEditCmd(e),
		eventCancelCmd(e), eventExportCmd(e), eventImportCmd(e))
	return cmd
}

func eventAddCmd(e *env) *cobra.Command {
	var f eventFlags
	cmd := &cobra.Command{
		Use:   "add SPACE --title T --start TIME",
		Short: "Add an event to a space's calendar",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ev, err := f.event(e)
			if err != nil {
				return err
			}
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				id, err := n.AddEvent(ctx, sp, f.calendar, ev)
				if err != nil {
					return err
				}
				e.adviseOpBudget(ctx, n, sp)
				return e.emitAdded(sp, id)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&f.calendar, "calendar", "", "calendar name or ID (default: the space's first calendar)")
	return cmd
}

// event builds a new event from the flags, checking every value.
func (f *eventFlags) event(e *env) (model.Event, error) {
	if strings.TrimSpace(f.title) == "" {
		return model.Event{}, usagef("--title is required")
	}
	if f.start == "" {
		return model.Event{}, usagef("--start is required: give 'YYYY-MM-DD HH:MM' (or a date with --all-day)")
	}
	start, end, zone, err := e.eventTimes(f.start, f.end, f.zone, f.allDay)
	if err != nil {
		return model.Event{}, err
	}
	ev := model.Event{Title: f.title, Kind: orDefault(f.kind, "other"), Status: orDefault(f.status, "planned"),
		Start: start, End: end, AllDay: f.allDay, Zone: zone, Place: f.place, Online: f.online,
		Description: f.description, Languages: nonNil(f.languages)}
	return ev, checkKindStatus(ev.Kind, ev.Status)
}

// eventTimes parses start and end as the event's times, returning them in
// stored form (RFC 3339 with offset, or dates for all-day events).
func (e *env) eventTimes(start, end, zone string, allDay bool) (string, string, string, error) {
	if allDay {
		return allDayTimes(start, end)
	}
	local := machineZone()
	st, used, err := model.ParseTime(start, zone, local)
	if err != nil {
		return "", "", "", fmt.Errorf("--start: %w", err)
	}
	if used != "" {
		e.note("times read in zone %s", describeZone(used, local))
	}
	if end == "" {
		return st.Format(time.RFC3339), "", zoneName(zone, used), nil
	}
	et, _, err := model.ParseTime(end, zone, local)
	if err != nil {
		return "", "", "", fmt.Errorf("--end: %w", err)
	}
	if et.Before(st) {
		return "", "", "", usagef("--end %s is before --start %s", end, start)
	}
	return st.Format(time.RFC3339), et.Format(time.RFC3339), zoneName(zone, used), nil
}

func allDayTimes(start, end string) (string, string, string, error) {
	sd, err := model.ParseDay(start)
	if err != nil {
		return "", "", "", fmt.Errorf("--start: %w", err)
	}
	ed := sd.AddDate(0, 0, 1)
	if end != "" {
		if ed, err = model.ParseDay(end); err != nil {
			return "", "", "", fmt.Errorf("--end: %w", err)
		}
		if !ed.After(sd) {
			return "", "", "", usagef("--end must be after --start for an all-day event (the end date is exclusive)")
		}
	}
	return sd.Format(time.DateOnly), ed.Format(time.DateOnly), "", nil
}

// zoneName is the IANA zone to record: the one given, or the machine's when
// it has a name.
func zoneName(given, used string) string {
	if given != "" {
		return given
	}
	if used == "Local" || used == "" {
		return ""
	}
	return used
}

func checkKindStatus(kind, status string) error {
	if !model.ValidKind(kind) {
		return usagef("unknown kind %q: use one of %s", kind, strings.Join(model.EventKinds(), ", "))
	}
	if !model.ValidStatus(status) {
		return usagef("unknown status %q: use one of %s", status, strings.Join(model.EventStatuses(), ", "))
	}
	return nil
}

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if s == v {
			return true
		}
	}
	return false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
