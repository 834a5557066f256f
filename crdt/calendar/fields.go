package calendar

import "github.com/weftsync/weft/crdt/model"

// field is one scalar string field of a patch, named as in the document.
type field struct {
	name string
	val  *string
}

// scalarFields lists the patch's scalar string fields that are set.
func scalarFields(p model.EventPatch) []field {
	all := []field{
		{"title", p.Title}, {"kind", p.Kind}, {"status", p.Status},
		{"start", p.Start}, {"end", p.End}, {"zone", p.Zone},
		{"place", p.Place}, {"online", p.Online},
		{"ics_uid", p.ICSUID}, {"ics_modified", p.ICSModified},
	}
	set := all[:0]
	for _, f := range all {
		if f.val != nil {
			set = append(set, f)
		}
	}
	return set
}

// changedNames lists the names of every field p sets, in document order,
// for the commit message.
func changedNames(p model.EventPatch) []string {
	var names []string
	add := func(name string, set bool) {
		if set {
			names = append(names, name)
		}
	}
	add("title", p.Title != nil)
	add("kind", p.Kind != nil)
	add("status", p.Status != nil)
	add("start", p.Start != nil)
	add("end", p.End != nil)
	add("all_day", p.AllDay != nil)
	add("zone", p.Zone != nil)
	add("place", p.Place != nil)
	add("online", p.Online != nil)
	add("description", p.Description != nil)
	add("languages", p.Languages != nil)
	add("local_variants", len(p.LocalVariants) > 0)
	add("recurrence", p.Recurrence != nil)
	add("ics_uid", p.ICSUID != nil)
	add("ics_sequence", p.ICSSequence != nil)
	add("ics_modified", p.ICSModified != nil)
	return names
}

// patchOf returns the patch that writes every field of a new event. Empty
// optional fields are left out, as the document leaves them out.
func patchOf(ev model.Event) model.EventPatch {
	langs := ev.Languages
	if langs == nil {
		langs = []string{}
	}
	p := model.EventPatch{
		ID: ev.ID, Title: &ev.Title, Kind: &ev.Kind, Status: &ev.Status,
		Start: &ev.Start, End: &ev.End, AllDay: &ev.AllDay, Zone: &ev.Zone,
		Place: &ev.Place, Online: &ev.Online, Description: &ev.Description,
		Languages: &langs,
	}
	if len(ev.Recurrence) > 0 {
		p.Recurrence = &ev.Recurrence
	}
	if ev.ICSUID != "" {
		p.ICSUID = &ev.ICSUID
	}
	if ev.ICSSequence != 0 {
		p.ICSSequence = &ev.ICSSequence
	}
	if ev.ICSModified != "" {
		p.ICSModified = &ev.ICSModified
	}
	p.LocalVariants = variantPatches(ev.LocalVariants)
	return p
}

func variantPatches(vs map[string]model.LocalVariant) map[string]*model.LocalVariant {
	if len(vs) == 0 {
		return nil
	}
	out := make(map[string]*model.LocalVariant, len(vs))
	for g, v := range vs {
		out[g] = &v
	}
	return out
}
