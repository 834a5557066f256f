package ics

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"
)

// FuzzImport checks that Import never panics, fails only with a
// *ParseError, and that whatever it imports survives Export and Import
// unchanged.
func FuzzImport(f *testing.F) {
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nSUMMARY:s\r\nDTSTART:20261201T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := Import(bytes.NewReader(data), time.UTC)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || cal != nil {
				t.Fatalf("Import error %v (%T) with calendar %v", err, err, cal)
			}
			return
		}
		first := events(cal)
		var buf bytes.Buffer
		if err := Export(&buf, cal.Name, first, exportNow); err != nil {
			t.Fatalf("Export: %v", err)
		}
		again, err := Import(bytes.NewReader(buf.Bytes()), time.UTC)
		if err != nil {
			t.Fatalf("re-import: %v\n%s", err, buf.String())
		}
		if second := events(again); !reflect.DeepEqual(first, second) || len(again.Refused) != 0 {
			t.Fatalf("round trip changed events:\n%+v\n%+v\nrefused %+v\n%s", first, second, again.Refused, buf.String())
		}
	})
}
