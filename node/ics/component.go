package ics

import "strings"

// maxDepth bounds how deeply components may nest.
const maxDepth = 16

// component is one BEGIN/END block with its properties and children.
type component struct {
	name  string // upper-cased
	line  int    // line of its BEGIN
	props []contentLine
	comps []*component
}

// first returns the first property with the given name.
func (c *component) first(name string) (contentLine, bool) {
	for _, p := range c.props {
		if p.name == name {
			return p, true
		}
	}
	return contentLine{}, false
}

// all returns every property with the given name, in order.
func (c *component) all(name string) []contentLine {
	var out []contentLine
	for _, p := range c.props {
		if p.name == name {
			out = append(out, p)
		}
	}
	return out
}

// buildTree nests content lines into components. Every top-level component
// must be a VCALENDAR.
func buildTree(lines []contentLine) ([]*component, error) {
	var roots, stack []*component
	for _, l := range lines {
		switch l.name {
		case "BEGIN":
			c, err := begin(l, len(stack), len(roots) == 0)
			if err != nil {
				return nil, err
			}
			if len(stack) == 0 {
				roots = append(roots, c)
			} else {
				top := stack[len(stack)-1]
				top.comps = append(top.comps, c)
			}
			stack = append(stack, c)
		case "END":
			if err := end(l, stack); err != nil {
				return nil, err
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				return nil, parseErrorf(l.line, "%s outside BEGIN:VCALENDAR", l.name)
			}
			top := stack[len(stack)-1]
			top.props = append(top.props, l)
		}
	}
	return roots, closed(stack, lines)
}

// begin opens a component.
func begin(l contentLine, depth int, firstRoot bool) (*component, error) {
	name := strings.ToUpper(l.value)
	if name == "" || strings.IndexFunc(name, func(r rune) bool { return r > 0x7f || !isNameChar(byte(r)) }) >= 0 {
		return nil, parseErrorf(l.line, "BEGIN needs a component name")
	}
	if depth == 0 && name != "VCALENDAR" {
		return nil, parseErrorf(l.line, "expected BEGIN:VCALENDAR, found BEGIN:%s", l.value)
	}
	if depth >= maxDepth {
		return nil, parseErrorf(l.line, "components nested more than %d deep", maxDepth)
	}
	return &component{name: name, line: l.line}, nil
}

// end checks that an END closes the innermost open component.
func end(l contentLine, stack []*component) error {
	if len(stack) == 0 {
		return parseErrorf(l.line, "END:%s with no BEGIN", l.value)
	}
	top := stack[len(stack)-1]
	name := strings.ToUpper(l.value)
	if name == top.name {
		return nil
	}
	for _, c := range stack {
		if c.name == name {
			return parseErrorf(top.line, "BEGIN:%s is never closed (END:%s on line %d comes first)", top.name, l.value, l.line)
		}
	}
	return parseErrorf(l.line, "END:%s does not close BEGIN:%s on line %d", l.value, top.name, top.line)
}

// closed reports the innermost component left open at the end of the file,
// or a file with no calendar at all.
func closed(stack []*component, lines []contentLine) error {
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return parseErrorf(top.line, "BEGIN:%s is never closed by END:%s", top.name, top.name)
	}
	if len(lines) == 0 {
		return parseErrorf(1, "empty file: no BEGIN:VCALENDAR")
	}
	return nil
}
