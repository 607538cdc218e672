package rules

import _ "embed"

// SecretsTOML holds sprawl's extra secret-detection rules in gitleaks'
// config format ([[rules]] and [[allowlists]]). They are added to gitleaks'
// default rules; a rule with the same id as a gitleaks rule replaces it.
//
//go:embed secrets.toml
var SecretsTOML string
