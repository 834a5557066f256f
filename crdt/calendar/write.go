package calendar

import (
	am "github.com/automerge/automerge-go"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

// write sets the fields p names on the event map m, whose current fields
// are f. Fields p leaves nil, and fields this version does not know, are
// not touched.
func write(w *amdoc.Writer, m *am.Map, f amdoc.Fields, p model.EventPatch) error {
	for _, fl := range scalarFields(p) {
		if err := w.SetStr(m, f, fl.name, *fl.val); err != nil {
			return err
		}
	}
	if err := writeTyped(w, m, f, p); err != nil {
		return err
	}
	if p.Description != nil {
		if err := w.EditText(m, f, "description", *p.Description); err != nil {
			return err
		}
	}
	if len(p.LocalVariants) > 0 {
		return writeVariants(w, m, f, p.LocalVariants)
	}
	return nil
}

func writeTyped(w *amdoc.Writer, m *am.Map, f amdoc.Fields, p model.EventPatch) error {
	if p.AllDay != nil && (!f.Has("all_day") || f.Bool("all_day") != *p.AllDay) {
		if err := w.Set(m, "all_day", *p.AllDay); err != nil {
			return err
		}
	}
	if p.ICSSequence != nil && (!f.Has("ics_sequence") || f.Int("ics_sequence") != *p.ICSSequence) {
		if err := w.Set(m, "ics_sequence", *p.ICSSequence); err != nil {
			return err
		}
	}
	if p.Languages != nil {
		if err := w.SetStrs(m, f, "languages", *p.Languages); err != nil {
			return err
		}
	}
	if p.Recurrence != nil {
		return w.SetStrs(m, f, "recurrence", *p.Recurrence)
	}
	return nil
}

// writeVariants sets or deletes local variants, field by field within each.
func writeVariants(w *amdoc.Writer, m *am.Map, f amdoc.Fields, vs map[string]*model.LocalVariant) error {
	vm := f.Map("local_variants")
	if vm == nil {
		var err error
		if vm, err = w.NewMap(m, "local_variants"); err != nil {
			return err
		}
	}
	groups, err := amdoc.Read(vm)
	if err != nil {
		return err
	}
	for g, v := range vs {
		if err := writeVariant(w, vm, groups, g, v); err != nil {
			return err
		}
	}
	return nil
}

func writeVariant(w *amdoc.Writer, vm *am.Map, groups amdoc.Fields, g string, v *model.LocalVariant) error {
	if v == nil {
		if !groups.Has(g) {
			return nil
		}
		return w.Delete(vm, g)
	}
	gm := groups.Map(g)
	if gm == nil {
		var err error
		if gm, err = w.NewMap(vm, g); err != nil {
			return err
		}
	}
	f, err := amdoc.Read(gm)
	if err != nil {
		return err
	}
	for _, kv := range [][2]string{{"note", v.Note}, {"start", v.Start}, {"end", v.End}, {"place", v.Place}} {
		if err := w.SetStr(gm, f, kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}
