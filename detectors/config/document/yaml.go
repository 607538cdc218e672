package document

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits on hostile input.
const (
	// MaxBytes is the largest config file parsed; larger files are skipped
	// with a note.
	MaxBytes = 2 << 20
	// MaxDepth bounds nesting of mappings and sequences.
	MaxDepth = 100
	// MaxNodes bounds the nodes of one file, aliases included.
	MaxNodes = 200_000
	// MaxDocuments bounds the documents of a multi-document YAML stream.
	MaxDocuments = 1000
)

// ErrTooLarge is returned for input over MaxBytes.
var ErrTooLarge = errors.New("file is larger than the config parser's limit")

// ParseYAML parses every document of a YAML stream. Documents read before
// an error are returned with it. It never panics.
func ParseYAML(data []byte) (docs []*yaml.Node, err error) {
	if len(data) > MaxBytes {
		return nil, ErrTooLarge
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid YAML (parser failed)")
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	budget := MaxNodes
	for len(docs) < MaxDocuments {
		var n yaml.Node
		if e := dec.Decode(&n); e != nil {
			if errors.Is(e, io.EOF) {
				return docs, nil
			}
			return docs, cleanYAMLError(e)
		}
		if err := checkTree(&n, 0, &budget); err != nil {
			return docs, err
		}
		root := &n
		if root.Kind == yaml.DocumentNode {
			if len(root.Content) == 0 {
				continue
			}
			root = root.Content[0]
		}
		docs = append(docs, root)
	}
	return docs, nil
}

// cleanYAMLError keeps the parser's message (line and reason) but never
// file content: yaml.v3 messages quote tokens, which could be secrets.
func cleanYAMLError(e error) error {
	msg := e.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i:]
		if j := strings.Index(rest, ":"); j >= 0 {
			return fmt.Errorf("invalid YAML at %s", rest[:j])
		}
	}
	return errors.New("invalid YAML")
}

func checkTree(n *yaml.Node, depth int, budget *int) error {
	if depth > MaxDepth {
		return errors.New("YAML nested too deeply")
	}
	*budget -= len(n.Content) + 1
	if *budget < 0 {
		return errors.New("YAML has too many nodes")
	}
	for _, c := range n.Content {
		if err := checkTree(c, depth+1, budget); err != nil {
			return err
		}
	}
	return nil
}

// Resolve follows aliases (a bounded number of times).
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// Pair is one key and value of a mapping.
type Pair struct {
	Key, Value *yaml.Node
}

// Pairs returns a mapping's entries in order, with "<<" merge keys
// expanded after the node's own keys (own keys win in Get).
func Pairs(m *yaml.Node) []Pair {
	return pairs(Resolve(m), 0)
}

func pairs(m *yaml.Node, depth int) []Pair {
	if m == nil || m.Kind != yaml.MappingNode || depth > 8 {
		return nil
	}
	var out, merged []Pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], Resolve(m.Content[i+1])
		if k.Value == "<<" && k.Tag == "!!merge" {
			if v != nil && v.Kind == yaml.SequenceNode {
				for _, e := range v.Content {
					merged = append(merged, pairs(Resolve(e), depth+1)...)
				}
			} else {
				merged = append(merged, pairs(v, depth+1)...)
			}
			continue
		}
		if v == nil {
			continue
		}
		out = append(out, Pair{k, v})
	}
	return append(out, merged...)
}

// Get returns the value of key in mapping m, or nil.
func Get(m *yaml.Node, key string) *yaml.Node {
	for _, p := range Pairs(m) {
		if p.Key.Value == key {
			return p.Value
		}
	}
	return nil
}

// GetPair returns the entry of key in mapping m.
func GetPair(m *yaml.Node, key string) (Pair, bool) {
	for _, p := range Pairs(m) {
		if p.Key.Value == key {
			return p, true
		}
	}
	return Pair{}, false
}

// Path follows keys through nested mappings.
func Path(m *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		m = Get(m, k)
		if m == nil {
			return nil
		}
	}
	return m
}

// Str returns a scalar's value.
func Str(n *yaml.Node) (string, bool) {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// IsMap reports whether n is a mapping.
func IsMap(n *yaml.Node) bool { n = Resolve(n); return n != nil && n.Kind == yaml.MappingNode }

// Items returns a sequence's elements (aliases resolved).
func Items(n *yaml.Node) []*yaml.Node {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		if c = Resolve(c); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// IsNull reports whether a scalar is YAML null or empty.
func IsNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == ""))
}

// NodeStart returns the byte offset where node n starts in s.
func (s *Source) NodeStart(n *yaml.Node) int {
	return s.Offset(n.Line, n.Column)
}

// ValueEnd returns the byte offset just after scalar n's source text when
// it sits on one line; otherwise the end of its first line's content.
func (s *Source) ValueEnd(n *yaml.Node) int {
	start := s.NodeStart(n)
	lineEnd := s.LineEnd(n.Line, start)
	if n.Kind != yaml.ScalarNode {
		return lineEnd
	}
	line := s.Line(n.Line)
	rel := start - s.LineStart(n.Line)
	if rel < 0 || rel >= len(line) {
		return lineEnd
	}
	rest := line[rel:]
	switch n.Style {
	case yaml.DoubleQuotedStyle:
		for i := 1; i < len(rest); i++ {
			switch rest[i] {
			case '\\':
				i++
			case '"':
				return start + i + 1
			}
		}
	case yaml.SingleQuotedStyle:
		for i := 1; i < len(rest); i++ {
			if rest[i] == '\'' {
				if i+1 < len(rest) && rest[i+1] == '\'' {
					i++
					continue
				}
				return start + i + 1
			}
		}
	case 0, yaml.TaggedStyle:
		if !strings.Contains(n.Value, "\n") && bytes.HasPrefix(rest, []byte(n.Value)) && n.Value != "" {
			return start + len(n.Value)
		}
	}
	return lineEnd
}

// PairSpan locates an entry from the start of its key to the end of its
// value when the value starts on the key's line, else to the key's end.
func (s *Source) PairSpan(p Pair) (start, end int) {
	start = s.NodeStart(p.Key)
	if p.Value != nil && p.Value.Line == p.Key.Line && p.Value.Kind == yaml.ScalarNode {
		return start, s.ValueEnd(p.Value)
	}
	return start, s.ValueEnd(p.Key)
}

// NodeSpan locates a scalar node.
func (s *Source) NodeSpan(n *yaml.Node) (start, end int) {
	return s.NodeStart(n), s.ValueEnd(n)
}
