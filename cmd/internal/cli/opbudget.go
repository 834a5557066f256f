package cli

import (
	"context"

	"github.com/weftsync/weft/node"
)

// adviseOpBudget prints, once per edit command, the advice for every
// document of the space that local edits took past 90 % of its op budget
// (decision 0071). The node answers from memory: no store read unless
// such a document exists. A failure to ask is not the edit's failure.
func (e *env) adviseOpBudget(ctx context.Context, n Backend, sp node.Space) {
	docs, err := n.NearOpBudget(ctx, sp)
	if err != nil {
		return
	}
	for _, d := range docs {
		e.note("%s %s holds %d of its %d operations; when it is full it takes no more edits: run '%s'",
			d.Type, d.Doc, d.Ops, d.Budget, d.Advice)
	}
}
