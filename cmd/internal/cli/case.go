package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weftsync/weft/crdt"
	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
)

// caseFlags are the fields a case study can be given on the command line.
type caseFlags struct {
	title, lang, bodyFile, summary, region, period, outcomes, lessons string
	tags, sources                                                     []string
}

func (f *caseFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.title, "title", "", "the case study's title in --lang")
	fl.StringVar(&f.lang, "lang", "en", "language of --title and the body (BCP 47, such as en, es, fr, ar)")
	fl.StringVar(&f.bodyFile, "body-file", "", "read the body from FILE, or - for stdin")
	fl.StringVar(&f.summary, "summary", "", "a short summary")
	fl.StringVar(&f.region, "region", "", "where it happened")
	fl.StringVar(&f.period, "period", "", "when it happened, such as 2019-2021")
	fl.StringVar(&f.outcomes, "outcomes", "", "what came of it")
	fl.StringVar(&f.lessons, "lessons", "", "lessons learned")
	fl.StringSliceVar(&f.tags, "tag", nil, "a tag (repeatable)")
	fl.StringSliceVar(&f.sources, "source", nil, "a source: URL or reference (repeatable)")
}

func caseCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "case", Short: "Keep the case-study archive: add, edit, translate, search, export"}
	cmd.AddCommand(caseAddCmd(e), caseListCmd(e), caseShowCmd(e), caseEditCmd(e), caseTranslateCmd(e),
		caseSearchCmd(e), caseExportCmd(e), caseContinueCmd(e))
	return cmd
}

func caseAddCmd(e *env) *cobra.Command {
	var f caseFlags
	cmd := &cobra.Command{
		Use:   "add SPACE --title T",
		Short: "Add a case study",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(f.title) == "" {
				return usagef("--title is required")
			}
			body, err := readBody(e, f.bodyFile)
			if err != nil {
				return err
			}
			c := model.CaseStudy{Titles: map[string]string{f.lang: f.title}, Bodies: map[string]string{f.lang: body},
				Summary: f.summary, Region: f.region, Period: f.period, Tags: nonNil(f.tags),
				Outcomes: f.outcomes, Lessons: f.lessons, Sources: nonNil(f.sources)}
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				id, err := n.AddCase(ctx, sp, c)
				if err != nil {
					return err
				}
				e.adviseOpBudget(ctx, n, sp)
				return e.emitAdded(sp, id)
			})
		},
	}
	f.register(cmd)
	return cmd
}

func readBody(e *env, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	r, err := openInput(e, name)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, crdt.MaxText+1))
	if err != nil {
		return "", fmt.Errorf("read body: %w", err)
	}
	if len(b) > crdt.MaxText {
		return "", usagef("the body is larger than %d KiB: split it into several case studies", crdt.MaxText>>10)
	}
	return string(b), nil
}

func caseListCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "list SPACE",
		Short: "List case studies",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				cases, err := n.Cases(ctx, sp)
				if err != nil {
					return err
				}
				return e.emit(nonNil(cases), func(w io.Writer) {
					for _, c := range cases {
						fmt.Fprintf(w, "%s  %s  [%s]\n", c.ID, firstTitle(c), strings.Join(langs(c), " "))
					}
				})
			})
		},
	}
}

func caseShowCmd(e *env) *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "show SPACE CASE",
		Short: "Show a case study",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSpace(cmd, args[0], func(ctx context.Context, n Backend, sp node.Space) error {
				c, err := n.Case(ctx, sp, args[1])
				if err != nil {
					return err
				}
				if chain, err := n.CaseChain(ctx, sp, args[1]); err == nil {
					e.noteDocChain(model.Case, chain)
				}
				return e.emit(c, func(w io.Writer) { printCase(w, c, lang) })
			})
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "", "show only this language")
	return cmd
}

func printCase(w io.Writer, c model.CaseStudy, only string) {
	fmt.Fprintf(w, "%s\n", c.ID)
	if c.Continues != "" {
		fmt.Fprintf(w, "continues case study %s\n", c.Continues)
	}
	for _, l := range langs(c) {
		if only != "" && l != only {
			continue
		}
		fmt.Fprintf(w, "\n[%s] %s\n\n%s\n", l, c.Titles[l], c.Bodies[l])
	}
	for _, kv := range [][2]string{{"summary", c.Summary}, {"region", c.Region}, {"period", c.Period},
		{"outcomes", c.Outcomes}, {"lessons", c.Lessons}} {
		if kv[1] != "" {
			fmt.Fprintf(w, "%s: %s\n", kv[0], kv[1])
		}
	}
	if len(c.Tags) > 0 {
		fmt.Fprintf(w, "tags: %s\n", strings.Join(c.Tags, ", "))
	}
	for _, s := range c.Sources {
		fmt.Fprintf(w, "source: %s\n", s)
	}
}

func firstTitle(c model.CaseStudy) string {
	for _, l := range langs(c) {
		return c.Titles[l]
	}
	return ""
}

func langs(c model.CaseStudy) []string { return node.CaseLanguages(c) }
