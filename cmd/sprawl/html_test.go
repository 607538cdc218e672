package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScanWritesHTML(t *testing.T) {
	root, secrets := plantedTree(t)
	page := filepath.Join(t.TempDir(), "report.html")
	code, stdout, stderr := runCLI(t, "scan", "--quiet", "--html", page, root)
	if code != ExitFindings {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, ExitFindings, stderr)
	}
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{"<!DOCTYPE html>", `<table id="identities">`, `<tbody class="ident"`, "<title id=\"chart-age-title\">Age of secrets</title>"} {
		if !strings.Contains(s, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	assertNoSecrets(t, "HTML report", data, secrets)
	assertNoSecrets(t, "stdout", []byte(stdout+stderr), secrets)
}
