package ics

import (
	"strings"
	"unicode/utf8"
)

// unescapeText decodes an RFC 5545 TEXT value: \\ \; \, \n and \N. Any
// other backslash pair stands for its second character; a lone trailing
// backslash is kept.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i == len(s)-1 {
			b.WriteByte(s[i])
			continue
		}
		i++
		if s[i] == 'n' || s[i] == 'N' {
			b.WriteByte('\n')
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// splitText splits a multi-valued TEXT value (CATEGORIES) on unescaped
// commas and decodes each part.
func splitText(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			out = append(out, unescapeText(s[start:i]))
			start = i + 1
		}
	}
	return append(out, unescapeText(s[start:]))
}

// escapeText encodes s as an RFC 5545 TEXT value. Line breaks become \n;
// other control characters, which no TEXT value may hold, are dropped.
func escapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteString(`\n`)
		default:
			if r != '\t' && (r < 0x20 || r == 0x7f) {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sanitizeRaw drops control characters from a value written as given
// (a URL, a recurrence line), so that it stays on one content line.
func sanitizeRaw(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\t' && (r < 0x20 || r == 0x7f) {
			return -1
		}
		return r
	}, s)
}

// foldLimit is the longest a content line may be, in octets, before CRLF.
const foldLimit = 75

// fold splits a content line into physical lines of at most 75 octets,
// never inside a UTF-8 sequence, each continuation starting with a space,
// and ends every line with CRLF.
func fold(line string) string {
	var b strings.Builder
	width := 0
	for len(line) > 0 {
		_, size := utf8.DecodeRuneInString(line)
		if width+size > foldLimit {
			b.WriteString("\r\n ")
			width = 1
		}
		b.WriteString(line[:size])
		width += size
		line = line[size:]
	}
	b.WriteString("\r\n")
	return b.String()
}
