package document

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// ParseJSON parses JSON, tolerating the JSONC extensions editors accept
// (// and /* */ comments, trailing commas), into the node tree ParseYAML
// builds: mappings, sequences and scalars with 1-based lines and rune
// columns. Strings get DoubleQuotedStyle. It never panics.
func ParseJSON(data []byte) (root *yaml.Node, err error) {
	if len(data) > MaxBytes {
		return nil, ErrTooLarge
	}
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("invalid JSON (parser failed)")
		}
	}()
	p := &jsonParser{data: data, line: 1, col: 1, budget: MaxNodes}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.pos = 3
	}
	p.skip()
	root = p.value(0)
	if p.err == nil {
		p.skip()
		if p.pos < len(p.data) {
			p.fail("unexpected content after the top-level value")
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	return root, nil
}

type jsonParser struct {
	data      []byte
	pos       int
	line, col int
	budget    int
	err       error
}

func (p *jsonParser) fail(what string) {
	if p.err == nil {
		p.err = fmt.Errorf("invalid JSON at line %d column %d: %s", p.line, p.col, what)
	}
}

func (p *jsonParser) advance(n int) {
	for i := 0; i < n && p.pos < len(p.data); i++ {
		if p.data[p.pos] == '\n' {
			p.line++
			p.col = 1
			p.pos++
			continue
		}
		_, size := utf8.DecodeRune(p.data[p.pos:])
		p.pos += size
		p.col++
		i += size - 1
	}
}

func (p *jsonParser) skip() {
	for p.pos < len(p.data) && p.err == nil {
		c := p.data[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.advance(1)
		case c == '/' && p.pos+1 < len(p.data) && p.data[p.pos+1] == '/':
			for p.pos < len(p.data) && p.data[p.pos] != '\n' {
				p.advance(1)
			}
		case c == '/' && p.pos+1 < len(p.data) && p.data[p.pos+1] == '*':
			p.advance(2)
			for p.pos < len(p.data) && !(p.data[p.pos] == '*' && p.pos+1 < len(p.data) && p.data[p.pos+1] == '/') {
				p.advance(1)
			}
			if p.pos >= len(p.data) {
				p.fail("unterminated comment")
				return
			}
			p.advance(2)
		default:
			return
		}
	}
}

func (p *jsonParser) node(kind yaml.Kind, tag string) *yaml.Node {
	p.budget--
	if p.budget < 0 {
		p.fail("too many values")
	}
	return &yaml.Node{Kind: kind, Tag: tag, Line: p.line, Column: p.col}
}

func (p *jsonParser) value(depth int) *yaml.Node {
	if p.err != nil {
		return nil
	}
	if depth > MaxDepth {
		p.fail("nested too deeply")
		return nil
	}
	if p.pos >= len(p.data) {
		p.fail("unexpected end of input")
		return nil
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		n := p.node(yaml.MappingNode, "!!map")
		n.Style = yaml.FlowStyle
		p.advance(1)
		for {
			p.skip()
			if p.pos < len(p.data) && p.data[p.pos] == '}' {
				p.advance(1)
				return n
			}
			if p.pos >= len(p.data) || p.data[p.pos] != '"' {
				p.fail("expected a string key")
				return nil
			}
			k := p.str()
			p.skip()
			if p.err != nil || p.pos >= len(p.data) || p.data[p.pos] != ':' {
				p.fail("expected ':'")
				return nil
			}
			p.advance(1)
			p.skip()
			v := p.value(depth + 1)
			if p.err != nil {
				return nil
			}
			n.Content = append(n.Content, k, v)
			p.skip()
			if p.pos < len(p.data) && p.data[p.pos] == ',' {
				p.advance(1)
				continue
			}
			if p.pos < len(p.data) && p.data[p.pos] == '}' {
				p.advance(1)
				return n
			}
			p.fail("expected ',' or '}'")
			return nil
		}
	case c == '[':
		n := p.node(yaml.SequenceNode, "!!seq")
		n.Style = yaml.FlowStyle
		p.advance(1)
		for {
			p.skip()
			if p.pos < len(p.data) && p.data[p.pos] == ']' {
				p.advance(1)
				return n
			}
			v := p.value(depth + 1)
			if p.err != nil {
				return nil
			}
			n.Content = append(n.Content, v)
			p.skip()
			if p.pos < len(p.data) && p.data[p.pos] == ',' {
				p.advance(1)
				continue
			}
			if p.pos < len(p.data) && p.data[p.pos] == ']' {
				p.advance(1)
				return n
			}
			p.fail("expected ',' or ']'")
			return nil
		}
	case c == '"':
		return p.str()
	default:
		n := p.node(yaml.ScalarNode, "")
		start := p.pos
		for p.pos < len(p.data) {
			ch := p.data[p.pos]
			if ch == ',' || ch == '}' || ch == ']' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '/' {
				break
			}
			p.advance(1)
		}
		lit := string(p.data[start:p.pos])
		switch lit {
		case "true", "false":
			n.Tag = "!!bool"
		case "null":
			n.Tag = "!!null"
		default:
			var f float64
			if json.Unmarshal([]byte(lit), &f) != nil {
				p.fail("invalid literal")
				return nil
			}
			n.Tag = "!!float"
		}
		n.Value = lit
		return n
	}
}

func (p *jsonParser) str() *yaml.Node {
	n := p.node(yaml.ScalarNode, "!!str")
	n.Style = yaml.DoubleQuotedStyle
	start := p.pos
	p.advance(1)
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '\\':
			p.advance(2)
			continue
		case '"':
			p.advance(1)
			var s string
			if err := json.Unmarshal(p.data[start:p.pos], &s); err != nil {
				p.fail("invalid string")
				return nil
			}
			n.Value = s
			return n
		case '\n':
			p.fail("newline in string")
			return nil
		}
		p.advance(1)
	}
	p.fail("unterminated string")
	return nil
}
