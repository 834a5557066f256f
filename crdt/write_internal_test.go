package crdt

import (
	"errors"
	"testing"
	"time"

	"github.com/weftsync/weft/crdt/internal/amdoc"
	"github.com/weftsync/weft/crdt/model"
)

// TestWritePoisons checks how a failing writeFunc leaves the Doc: refused
// before writing, it stays usable; failed after writing, it is poisoned and
// nothing of the half-made edit can be saved.
func TestWritePoisons(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name     string
		write    bool
		err      error
		poisoned bool
	}{
		{"invalid before writing", false, amdoc.Invalid("x", "f", "no"), false},
		{"invalid after writing", true, amdoc.Invalid("x", "f", "no"), true},
		{"write error", true, boom, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _, err := Create(model.Create{Type: model.Calendar, Space: model.NewID()}, make([]byte, ActorLen), time.Time{}, "")
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.write("edit", time.Time{}, func(w *amdoc.Writer) (string, error) {
				if tt.write {
					if err := w.Set(w.Doc().RootMap(), "half", "written"); err != nil {
						return "", err
					}
				}
				return "", tt.err
			})
			if !errors.Is(err, tt.err) || errors.Is(err, ErrPoisoned) != tt.poisoned {
				t.Fatalf("got %v, want %v, poisoned %v", err, tt.err, tt.poisoned)
			}
			if (d.Err() != nil) != tt.poisoned || (d.Save() == nil) != tt.poisoned {
				t.Errorf("doc err %v, saves %v", d.Err(), d.Save() != nil)
			}
		})
	}
}
