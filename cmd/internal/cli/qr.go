package cli

import (
	"fmt"
	"io"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// printQR draws text as a QR code with half-block characters, two module
// rows per line. Light modules are drawn in ink, so the code reads right
// on the usual dark terminal. The invite code is upper-cased first: QR's
// alphanumeric mode holds upper case only and is denser, and weft reads
// codes in either case.
func printQR(w io.Writer, text string) error {
	q, err := qrcode.New(strings.ToUpper(text), qrcode.Low)
	if err != nil {
		return fmt.Errorf("cli: the code is too long for a QR code: %w", err)
	}
	bm := q.Bitmap() // true = dark module; the quiet zone included
	var b strings.Builder
	for y := 0; y < len(bm); y += 2 {
		for x := range bm[y] {
			top := !bm[y][x]
			bottom := y+1 < len(bm) && !bm[y+1][x]
			b.WriteString(halfBlock(top, bottom))
		}
		b.WriteByte('\n')
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// halfBlock is the character with ink in the top half, the bottom half,
// both or neither.
func halfBlock(top, bottom bool) string {
	switch {
	case top && bottom:
		return "█"
	case top:
		return "▀"
	case bottom:
		return "▄"
	}
	return " "
}
