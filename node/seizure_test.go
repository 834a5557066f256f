package node_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/model"
	"github.com/weftsync/weft/node"
	"github.com/weftsync/weft/node/wire"
)

// TestSeizedStoreRevealsNothing plants canaries in everything a member
// types, copies the home (store and WAL) as a thief would, and checks that
// no canary and no ID that could link two stores appears in any file.
func TestSeizedStoreRevealsNothing(t *testing.T) {
	opts := passOpts(t, "a long passphrase")
	ctx := t.Context()
	n, err := node.Init(ctx, opts, "canary-member-Zq8vX")
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	sp := must[node.Space](t)(n.CreateSpace(ctx, "canary-space-Xw3kP"))
	ev := must[string](t)(n.AddEvent(ctx, sp, "", model.Event{Title: "canary-event-Kp2mQ", Kind: "action",
		Status: "planned", Start: "2026-12-01T10:00:00Z", Place: "canary-place-Hh4rT", Description: "canary-desc-Uu9eW"}))
	cs := must[string](t)(n.AddCase(ctx, sp, model.CaseStudy{Titles: map[string]string{"en": "canary-case-Rt7nB"},
		Bodies: map[string]string{"en": "canary-body-Pp3sD " + strings.Repeat("lorem ipsum ", 50)}}))
	en := must[string](t)(n.AddEntry(ctx, sp, model.Entry{Date: "2026-11-26", Direction: "in", AmountMinor: 4242,
		Currency: "EUR", Memo: "canary-memo-Lm5cY", From: "canary-from-Gg6jK"}))
	cal := must[node.DocRef](t)(n.CreateCalendar(ctx, sp, "canary-calendar-Ee8fL")).ID
	detail := must[node.SpaceDetail](t)(n.SpaceDetail(ctx, sp))
	log := must[[]node.LogEntry](t)(n.Log(ctx, sp, time.Time{}, 0))

	canaries := []string{"canary-member-Zq8vX", "canary-space-Xw3kP", "canary-event-Kp2mQ", "canary-place-Hh4rT",
		"canary-desc-Uu9eW", "canary-case-Rt7nB", "canary-body-Pp3sD", "canary-memo-Lm5cY", "canary-from-Gg6jK",
		"canary-calendar-Ee8fL"}
	ids := []string{sp.ID, ev, cs, en, cal, detail.Ledger}
	var hashes [][]byte
	for _, l := range log {
		h, err := wire.ParseHash(l.Change)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h[:])
		ids = append(ids, l.Change)
	}
	if len(hashes) < 5 {
		t.Fatalf("only %d changes logged", len(hashes))
	}
	// A copy taken while weft runs (WAL included), and one after it closed.
	live := readHome(t, opts.Home)
	n.Close()
	closed := readHome(t, opts.Home)
	for name, data := range mergeFiles(live, closed) {
		for _, c := range canaries {
			checkAbsent(t, name, data, []byte(c), c)
		}
		for _, id := range ids {
			checkAbsent(t, name, data, []byte(id), "ID "+id)
			checkAbsent(t, name, data, []byte(strings.ToUpper(id)), "ID "+id)
		}
		for _, h := range hashes {
			checkAbsent(t, name, data, h, "raw change hash")
		}
	}
	if len(live["weft.db-wal"])+len(live["weft.db"]) == 0 {
		t.Fatal("the copy holds no store bytes: the check saw nothing")
	}
}

// readHome reads every file in the home folder.
func readHome(t *testing.T, home string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(home)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join(home, e.Name())); err == nil {
			out[e.Name()] = b
		}
	}
	return out
}

func mergeFiles(a, b map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range a {
		out["live/"+k] = v
	}
	for k, v := range b {
		out["closed/"+k] = v
	}
	return out
}

// checkAbsent fails when needle appears in data raw, hex-encoded or base64.
func checkAbsent(t *testing.T, file string, data, needle []byte, what string) {
	t.Helper()
	forms := map[string][]byte{
		"raw":     needle,
		"hex":     []byte(hex.EncodeToString(needle)),
		"HEX":     []byte(strings.ToUpper(hex.EncodeToString(needle))),
		"base64":  []byte(strings.TrimRight(base64.StdEncoding.EncodeToString(needle), "=")),
		"base64u": []byte(strings.TrimRight(base64.URLEncoding.EncodeToString(needle), "=")),
	}
	for form, f := range forms {
		if len(f) >= 8 && bytes.Contains(data, f) {
			t.Errorf("%s: %s found in %s form", file, what, form)
		}
	}
}
