package ics

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// contentLine is one unfolded iCalendar content line.
type contentLine struct {
	line   int                 // 1-based physical line where it starts
	name   string              // upper-cased
	params map[string][]string // upper-cased keys, unquoted values
	value  string
	raw    string // the unfolded line exactly as given
}

// param returns the first value of a parameter, or "".
func (c contentLine) param(name string) string {
	if v := c.params[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// rawLine is one logical line before parsing.
type rawLine struct {
	line int
	text string
}

// unfold splits data into logical lines, joining continuation lines (those
// that start with a space or tab) to the line before them.
func unfold(data []byte) ([]rawLine, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []rawLine
	var cur *strings.Builder
	for i, phys := range strings.Split(string(data), "\n") {
		phys = strings.TrimSuffix(phys, "\r")
		if err := checkControls(phys, i+1); err != nil {
			return nil, err
		}
		switch {
		case phys == "":
			cur = nil
		case phys[0] == ' ' || phys[0] == '\t':
			if cur == nil {
				return nil, parseErrorf(i+1, "continuation line with no line before it")
			}
			cur.WriteString(phys[1:])
		default:
			out = append(out, rawLine{line: i + 1})
			cur = &strings.Builder{}
			cur.WriteString(phys)
		}
		if cur != nil {
			out[len(out)-1].text = cur.String()
		}
	}
	return out, nil
}

// checkControls refuses control characters other than tab.
func checkControls(s string, line int) error {
	for i := 0; i < len(s); i++ {
		if (s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f {
			return parseErrorf(line, "control character %#02x", s[i])
		}
	}
	return nil
}

// parseLine splits a logical line into name, parameters and value.
func parseLine(r rawLine) (contentLine, error) {
	if !utf8.ValidString(r.text) {
		return contentLine{}, parseErrorf(r.line, "not valid UTF-8")
	}
	c := contentLine{line: r.line, raw: r.text}
	name, rest := splitName(r.text)
	if name == "" {
		return c, parseErrorf(r.line, "line does not start with a property name")
	}
	c.name = strings.ToUpper(name)
	for strings.HasPrefix(rest, ";") {
		var err error
		if rest, err = c.parseParam(rest[1:]); err != nil {
			return c, err
		}
	}
	if !strings.HasPrefix(rest, ":") {
		return c, parseErrorf(r.line, "no colon after %s", name)
	}
	c.value = rest[1:]
	return c, nil
}

// splitName reads a property or parameter name.
func splitName(s string) (name, rest string) {
	i := 0
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// isNameChar reports whether b may appear in a name (iana-token, x-name).
func isNameChar(b byte) bool {
	return b == '-' || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
}

// parseParam reads one NAME=value[,value] and returns what follows it.
func (c *contentLine) parseParam(s string) (string, error) {
	name, rest := splitName(s)
	if name == "" || !strings.HasPrefix(rest, "=") {
		return "", parseErrorf(c.line, "bad parameter in %s", c.name)
	}
	if c.params == nil {
		c.params = map[string][]string{}
	}
	key := strings.ToUpper(name)
	rest = rest[1:]
	for {
		v, after, err := paramValue(rest)
		if err != nil {
			return "", parseErrorf(c.line, "parameter %s: %v", name, err)
		}
		c.params[key] = append(c.params[key], v)
		if !strings.HasPrefix(after, ",") {
			return after, nil
		}
		rest = after[1:]
	}
}

// paramValue reads one quoted or unquoted parameter value.
func paramValue(s string) (value, rest string, err error) {
	if strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", "", errUnclosedQuote
		}
		return s[1 : end+1], s[end+2:], nil
	}
	end := strings.IndexAny(s, `,;:"`)
	if end < 0 {
		return "", "", errNoColon
	}
	if s[end] == '"' {
		return "", "", errStrayQuote
	}
	return s[:end], s[end:], nil
}
