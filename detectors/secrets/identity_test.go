package secrets

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/sprawl-dev/sprawl/detectors"
)

func TestIdentityKeys(t *testing.T) {
	want := map[string]string{ // path:line -> identity key
		".env:4":                      "postgres://billing@db.internal",
		".env:5":                      "redis://@cache.internal",
		"application.properties:2":    "jdbc:postgresql://billing@db.internal",
		"config.ini:9":                "jdbc:sqlserver://ledger_app@sql.internal",
		"settings.json:4":             "sqlserver://ledger_app@ledger.database.windows.net",
		"settings.json:18":            "azure-storage:billingfiles",
		"cloud/gcp-sa.json:5":         "gcp-service-account:billing-exporter@acme-billing-prod.iam.gserviceaccount.com",
		"cloud/ci.env:2":              "gcp-service-account:ci-deployer@acme-ci.iam.gserviceaccount.com",
		"cloud/local.settings.json:5": "azure-storage:acmefuncstore",
		"web/server.js:1":             "mongodb://api@cluster0.ab1cd.mongodb.net",
		// A driver after the scheme names the same database; a password
		// with an "@" ends at the last one.
		"src/models/db.py:6": "postgresql://orders@db.acme.internal",
		"src/models/db.py:8": "postgis://geo@gis.acme.internal",
	}
	d := testDetector(t)
	got := map[string]string{}
	for _, f := range expandTree(t, 1) {
		var values []string
		for _, vs := range f.secrets {
			values = append(values, vs...)
		}
		for _, w := range f.wants {
			if w.value != "" {
				values = append(values, w.value)
			}
		}
		for _, fd := range d.Detect(context.Background(), detectors.Input{Path: f.rel, Content: f.content, Hasher: testHasher}) {
			key := fd.Secret.IdentityKey
			for _, v := range values {
				if len(v) >= 4 && strings.Contains(key, v) {
					t.Errorf("%s:%d: identity key of %s contains a secret", f.rel, fd.Location.StartLine, fd.RuleID)
				}
			}
			got[f.rel+":"+strconv.Itoa(fd.Location.StartLine)] = key
		}
	}
	for at, w := range want {
		if got[at] != w {
			t.Errorf("%s: identity %q, want %q", at, got[at], w)
		}
	}
}
