package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/weftsync/weft/crdt/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs (run with -update to accept):\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

var entries = []model.Entry{
	{ID: "e1", Date: "2026-11-02", Direction: "in", AmountMinor: 10750, Currency: "EUR", Category: "donations", Memo: "Soli-Party, Kasse", From: "public", To: "fund"},
	{ID: "e2", Date: "2026-11-03", Direction: "out", AmountMinor: 1000, Currency: "JPY", Category: "=HYPERLINK(\"http://evil\")", Memo: "-2+3", From: "@fund", To: "+printer"},
	{ID: "e3", Date: "2026-11-04", Direction: "out", AmountMinor: 10750, Currency: "EUR", Category: "donations", Memo: "wrong amount\nsee e1 \"quote\"", Reverses: "e1"},
	{ID: "e4", Date: "2026-11-05", Direction: "transfer", AmountMinor: 1234, Currency: "KWD", Memo: "\tleading tab", From: "＝SUM(A1)"},
}

func TestLedgerCSV(t *testing.T) {
	names := map[string]string{"e1": "Ana", "e2": "Bo", "e3": "=cmd|' /C calc'!A0"}
	var buf bytes.Buffer
	if err := LedgerCSV(&buf, entries, func(id string) string { return names[id] }); err != nil {
		t.Fatal(err)
	}
	golden(t, "ledger.csv", buf.Bytes())
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil || len(rows) != len(entries)+1 {
		t.Fatalf("re-read %d rows, %v", len(rows), err)
	}
	for _, row := range rows[1:] {
		for i, cell := range row {
			if i != 3 && i != 4 && cell != "" && Neutralize(cell) != cell {
				t.Errorf("cell %q (column %s) would be read as a formula", cell, LedgerHeader[i])
			}
		}
	}
	if bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Error("CSV starts with a byte order mark")
	}
}

func TestLedgerCSVNoRecorder(t *testing.T) {
	var buf bytes.Buffer
	if err := LedgerCSV(&buf, entries[:1], nil); err != nil {
		t.Fatal(err)
	}
	want := "id,date,direction,amount,amount_minor,currency,category,memo,from,to,reverses,recorded_by\n" +
		"e1,2026-11-02,in,107.50,10750,EUR,donations,\"Soli-Party, Kasse\",public,fund,,\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"}, {"\rx", "'\rx"}, {"＝1", "'＝1"}, {"plain", "plain"}, {"", ""}, {"a=b", "a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Neutralize(tt.in); got != tt.want {
				t.Fatalf("Neutralize(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

var study = model.CaseStudy{
	ID:       "c1",
	Titles:   map[string]string{"en": "The bus boycott", "es": "El boicot\nde autobuses"},
	Bodies:   map[string]string{"en": "It began on a Monday.\n\n## Timeline\n\n1. First day", "es": "Empezó un lunes."},
	Summary:  "A city-wide boycott won fare cuts.",
	Region:   "Andes",
	Period:   "2019–2020",
	Tags:     []string{"transport", "boycott"},
	Outcomes: "Fares cut by 20%.",
	Lessons:  "Daily assemblies kept people in.",
	Sources:  []string{"https://example.org/report", "Interview with organisers, 2021"},
}

func TestCaseMarkdown(t *testing.T) {
	tests := []struct {
		name  string
		langs []string
	}{
		{"case-en.md", []string{"en"}},
		{"case-all.md", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := CaseMarkdown(&buf, study, tt.langs); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.Bytes())
		})
	}
}

func TestCaseMarkdownMissingLanguage(t *testing.T) {
	var buf bytes.Buffer
	err := CaseMarkdown(&buf, study, []string{"en", "fr"})
	if !errors.Is(err, ErrNoLanguage) || buf.Len() != 0 {
		t.Fatalf("error %v, wrote %d bytes; want ErrNoLanguage and nothing", err, buf.Len())
	}
}
