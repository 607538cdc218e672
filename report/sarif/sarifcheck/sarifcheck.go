// Package sarifcheck validates SARIF files the way GitHub code scanning
// ingests them: against the OASIS SARIF 2.1.0 schema, then against the
// rules the schema does not catch (at least one location per result,
// numeric security-severity, 1-based regions, non-empty relative URIs,
// distinct automationDetails per run, upload limits).
package sarifcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sprawl-dev/sprawl/fixtures"
)

const schemaID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

var (
	once   sync.Once
	schema *jsonschema.Schema
	errC   error
)

func compiled() (*jsonschema.Schema, error) {
	once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(fixtures.SARIFSchema))
		if err != nil {
			errC = err
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(schemaID, doc); err != nil {
			errC = err
			return
		}
		schema, errC = c.Compile(schemaID)
	})
	return schema, errC
}

// Validate returns every problem found in raw, or nil.
func Validate(raw []byte) error {
	sch, err := compiled()
	if err != nil {
		return fmt.Errorf("sarifcheck: schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("sarifcheck: not JSON: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("sarifcheck: schema: %w", err)
	}
	return github(raw)
}

type log struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID               string `json:"id"`
					ShortDescription *struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					FullDescription *struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					Help *struct {
						Text string `json:"text"`
					} `json:"help"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		AutomationDetails *struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		Results *[]struct {
			RuleID    string                `json:"ruleId"`
			Message   struct{ Text string } `json:"message"`
			Locations []location            `json:"locations"`
			Related   []location            `json:"relatedLocations"`
			Partial   map[string]any        `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

type location struct {
	Physical *struct {
		Artifact *struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region *struct {
			StartLine   *int `json:"startLine"`
			StartColumn *int `json:"startColumn"`
			EndLine     *int `json:"endLine"`
			EndColumn   *int `json:"endColumn"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

// github checks GitHub's ingestion rules.
func github(raw []byte) error {
	var l log
	if err := json.Unmarshal(raw, &l); err != nil {
		return err
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(l.Runs) > 20 {
		add("%d runs; GitHub accepts 20", len(l.Runs))
	}
	categories := map[string]bool{}
	for i, run := range l.Runs {
		if run.Tool.Driver.Name == "" {
			add("run %d: empty tool name", i)
		}
		cat := ""
		if run.AutomationDetails != nil {
			cat = run.AutomationDetails.ID
			if j := strings.LastIndex(cat, "/"); j >= 0 {
				cat = cat[:j]
			}
		}
		if categories[cat] {
			add("run %d: category %q repeats another run's (GitHub rejects the file)", i, cat)
		}
		categories[cat] = true
		for _, r := range run.Tool.Driver.Rules {
			if r.ShortDescription == nil || r.ShortDescription.Text == "" || r.FullDescription == nil || r.FullDescription.Text == "" || r.Help == nil || r.Help.Text == "" {
				add("rule %s: needs shortDescription, fullDescription and help", r.ID)
			}
			sev, ok := r.Properties["security-severity"].(string)
			if f, err := strconv.ParseFloat(sev, 64); !ok || err != nil || f <= 0 || f > 10 {
				add("rule %s: security-severity %v is not a number in (0, 10]", r.ID, r.Properties["security-severity"])
			}
			if tags, _ := r.Properties["tags"].([]any); len(tags) > 20 {
				add("rule %s: %d tags; GitHub takes 20", r.ID, len(tags))
			}
		}
		if run.Results == nil {
			add("run %d: no results array", i)
			continue
		}
		if n := len(*run.Results); n > 25000 {
			add("run %d: %d results; GitHub takes 25000", i, n)
		}
		for j, res := range *run.Results {
			if res.Message.Text == "" {
				add("run %d result %d: empty message", i, j)
			}
			if len(res.Locations) == 0 {
				add("run %d result %d (%s): no location", i, j, res.RuleID)
			}
			if len(res.Related) > 1000 {
				add("run %d result %d: %d related locations; GitHub takes 1000", i, j, len(res.Related))
			}
			if h, _ := res.Partial["primaryLocationLineHash"].(string); h == "" {
				add("run %d result %d: no primaryLocationLineHash", i, j)
			}
			for _, loc := range append(append([]location{}, res.Locations...), res.Related...) {
				checkLocation(loc, func(msg string) { add("run %d result %d (%s): %s", i, j, res.RuleID, msg) })
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("sarifcheck: %s", strings.Join(problems, "; "))
	}
	return nil
}

func checkLocation(loc location, add func(string)) {
	p := loc.Physical
	if p == nil || p.Artifact == nil || p.Artifact.URI == "" {
		add("location without an artifact URI")
		return
	}
	if strings.HasPrefix(p.Artifact.URI, "/") || strings.Contains(p.Artifact.URI, "://") {
		add("URI " + p.Artifact.URI + " is not repo-relative")
	}
	r := p.Region
	if r == nil {
		return
	}
	for name, v := range map[string]*int{"startLine": r.StartLine, "startColumn": r.StartColumn, "endLine": r.EndLine, "endColumn": r.EndColumn} {
		if v != nil && *v < 1 {
			add(fmt.Sprintf("%s is %d", name, *v))
		}
	}
	if r.StartLine != nil && r.EndLine != nil && *r.EndLine < *r.StartLine {
		add("endLine before startLine")
	}
	if r.StartLine != nil && r.EndLine != nil && *r.EndLine == *r.StartLine && r.StartColumn != nil && r.EndColumn != nil && *r.EndColumn <= *r.StartColumn {
		add("empty or reversed column range")
	}
}
