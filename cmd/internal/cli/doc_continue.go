package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

func caseContinueCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "continue SPACE CASE",
		Short: "Carry a case study into a new one, for a case near its 300,000-operation limit",
		Long: `Start a new case study with the current content of CASE and continue it there.

A document holds at most 300,000 operations; weft status and every edit
warn past 90 %. This command makes a new case study holding the case's
titles, bodies in every language, summary, region, period, tags, outcomes,
lessons and sources as they stand, recording the old case's ID and the
state (heads) it was carried at. The old case is marked as continued (the
mark syncs to every member) and refuses further edits; 'weft case show'
and 'weft case edit' by the old ID work on the new one, and 'weft case
list' shows the new one only. If two members continue the same case
concurrently, every node picks the new case with the lowest ID; 'weft case
show' by the old ID reports the other as a duplicate continuation.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				c, err := n.ContinueCase(ctx, sp, args[1])
				if err != nil {
					return err
				}
				return e.emit(c, func(w io.Writer) { fmt.Fprintf(w, "case study %s continues in %s\n", c.From, c.To) })
			})
		},
	}
}

func calendarContinueCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "continue SPACE [CALENDAR]",
		Short: "Carry a calendar's events into a new calendar, for a calendar near its 300,000-operation limit",
		Long: `Start a new calendar with the events of CALENDAR (the space's default
calendar when none is named) and continue it there.

A document holds at most 300,000 operations; weft status and every edit
warn past 90 %. This command makes a new calendar of the same name holding
every event as it stands, with its ID, recurrence and status (a
cancellation included), recording the old calendar's ID and the state
(heads) it was carried at. The old calendar is marked as continued (the
mark syncs to every member) and refuses further events; event commands,
'weft calendar list' and the calendar's name or old ID lead to the new
one. If two members continue the same calendar concurrently, every node
picks the new calendar with the lowest ID; the other is reported as a
duplicate continuation in 'weft status'.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cal := ""
			if len(args) == 2 {
				cal = args[1]
			}
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				c, err := n.ContinueCalendar(ctx, sp, cal)
				if err != nil {
					return err
				}
				return e.emit(c, func(w io.Writer) { fmt.Fprintf(w, "calendar %s continues in %s\n", c.From, c.To) })
			})
		},
	}
}

// chainWords are how printDocChain names a document type and its edits.
var chainWords = map[model.DocType][3]string{
	model.Case:     {"case study", "edits", "made"},
	model.Calendar: {"calendar", "events", "recorded"},
}

// printContinued says where each continued case study or calendar stands.
func printContinued(w io.Writer, docs []node.ContinuedDoc) {
	for _, d := range docs {
		words := chainWords[d.Type]
		printDocChain(w, words[0], words[1], words[2], d.Chain)
	}
}

// noteDocChain tells people, on stderr, where a case study or calendar
// they named by an ID it no longer goes by continues.
func (e *env) noteDocChain(typ model.DocType, c node.DocChain) {
	if len(c.Previous) == 0 && len(c.Announced) == 0 && len(c.Duplicates) == 0 {
		return
	}
	var b strings.Builder
	words := chainWords[typ]
	printDocChain(&b, words[0], words[1], words[2], c)
	e.note("%s", strings.TrimRight(b.String(), "\n"))
}
