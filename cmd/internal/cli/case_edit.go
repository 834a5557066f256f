package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/export"
)

func caseEditCmd(e *env) *cobra.Command {
	var f caseFlags
	cmd := &cobra.Command{
		Use:   "edit SPACE CASE [flags]",
		Short: "Change the given fields of a case study; a new body is merged as the smallest edit",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.patch(e, cmd)
			if err != nil {
				return err
			}
			return e.editCase(cmd, args, p)
		},
	}
	f.register(cmd)
	return cmd
}

func caseTranslateCmd(e *env) *cobra.Command {
	var f caseFlags
	cmd := &cobra.Command{
		Use:   "translate SPACE CASE --lang L --title T [--body-file F]",
		Short: "Add or update a case study's title and body in another language",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("lang") || f.title == "" {
				return usagef("translate needs --lang and --title (and usually --body-file)")
			}
			p, err := f.patch(e, cmd)
			if err != nil {
				return err
			}
			return e.editCase(cmd, args, p)
		},
	}
	f.register(cmd)
	return cmd
}

func (e *env) editCase(cmd *cobra.Command, args []string, p model.CasePatch) error {
	return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
		c, err := n.Case(ctx, sp, args[1])
		if err != nil {
			return err
		}
		if err := n.PatchCase(ctx, sp, c.ID, p); err != nil {
			return err
		}
		e.adviseOpBudget(ctx, n, sp)
		return e.emit(map[string]string{"id": c.ID}, func(w io.Writer) { fmt.Fprintln(w, c.ID) })
	})
}

// patch turns the flags that were given into a per-field edit.
func (f *caseFlags) patch(e *env, cmd *cobra.Command) (model.CasePatch, error) {
	fl := cmd.Flags()
	p := model.CasePatch{Lang: f.lang}
	set := func(name string, dst **string, v string) {
		if fl.Changed(name) {
			*dst = &v
		}
	}
	set("title", &p.Title, f.title)
	set("summary", &p.Summary, f.summary)
	set("region", &p.Region, f.region)
	set("period", &p.Period, f.period)
	set("outcomes", &p.Outcomes, f.outcomes)
	set("lessons", &p.Lessons, f.lessons)
	if fl.Changed("tag") {
		p.Tags = &f.tags
	}
	if fl.Changed("source") {
		p.Sources = &f.sources
	}
	if fl.Changed("body-file") {
		body, err := readBody(e, f.bodyFile)
		if err != nil {
			return p, err
		}
		p.Body = &body
	}
	if p == (model.CasePatch{Lang: f.lang}) {
		return p, usagef("nothing to change: give at least one of --title, --body-file, --summary, …")
	}
	return p, nil
}

func caseSearchCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "search SPACE QUERY",
		Short: "Search case studies in every language",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				hits, err := n.SearchCases(ctx, sp, args[1])
				if err != nil {
					return err
				}
				return e.emit(nonNil(hits), func(w io.Writer) {
					for _, h := range hits {
						fmt.Fprintf(w, "%s  [%s] %s\n    %s\n", h.ID, h.Lang, h.Title, h.Snippet)
					}
				})
			})
		},
	}
}

func caseExportCmd(e *env) *cobra.Command {
	var format, out string
	var langs []string
	cmd := &cobra.Command{
		Use:   "export SPACE CASE --format md [-o FILE]",
		Short: "Write a case study as Markdown",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "md" {
				return usagef("unknown --format %q: only md is supported", format)
			}
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				c, err := n.Case(ctx, sp, args[1])
				if err != nil {
					return err
				}
				return writeOutput(e, out, func(w io.Writer) error { return export.CaseMarkdown(w, c, langs) })
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "md", "output format: md")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	cmd.Flags().StringSliceVar(&langs, "lang", nil, "only these languages (default: all)")
	return cmd
}
