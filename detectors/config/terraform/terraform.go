// Package terraform checks Terraform (and Vault server HCL) for resources
// that mint or keep long-lived credentials: IAM user access keys, GCP
// service account keys, Azure AD passwords without an end date or rotation,
// Secrets Manager secrets without rotation, static database master
// passwords where the provider can manage them, Vault roles and mounts with
// excessive TTLs and AppRole secret IDs that never expire.
package terraform

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/sprawl-dev/sprawl/detectors"
	"github.com/sprawl-dev/sprawl/detectors/config/document"
	"github.com/sprawl-dev/sprawl/detectors/config/literal"
	"github.com/sprawl-dev/sprawl/detectors/config/workload"
)

// Check ids reported by this package.
const (
	CheckIAMAccessKey    = "tf-aws-iam-access-key"
	CheckGCPKey          = "tf-gcp-service-account-key"
	CheckAzurePassword   = "tf-azuread-password-no-expiry"
	CheckNoRotation      = "tf-secret-without-rotation"
	CheckDBPassword      = "tf-db-static-password"
	CheckVaultTTL        = "vault-long-ttl"
	CheckSecretIDForever = "vault-secret-id-no-expiry"
)

// Options set the Vault TTL thresholds.
type Options struct {
	// MaxTTL is the longest acceptable default TTL or period (default 24h).
	MaxTTL time.Duration
	// MaxMaxTTL is the longest acceptable maximum TTL or secret-ID TTL
	// (default 7 days).
	MaxMaxTTL time.Duration
}

func (o Options) limits() (ttl, maxTTL time.Duration) {
	ttl, maxTTL = o.MaxTTL, o.MaxMaxTTL
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	if maxTTL <= 0 {
		maxTTL = 7 * 24 * time.Hour
	}
	return ttl, maxTTL
}

type checker struct {
	src   *document.Source
	h     *detectors.Hasher
	table *workload.Table
	opts  Options
	out   []detectors.Finding
}

func parse(src *document.Source) (*hclsyntax.Body, error) {
	f, diags := hclsyntax.ParseConfig(src.Data, src.Path, hcl.Pos{Line: 1, Column: 1, Byte: 0})
	if diags.HasErrors() {
		for _, d := range diags {
			if d.Severity == hcl.DiagError && d.Subject != nil {
				return nil, fmt.Errorf("invalid HCL at line %d: %s", d.Subject.Start.Line, d.Summary)
			}
		}
		return nil, errors.New("invalid HCL")
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, errors.New("invalid HCL")
	}
	return body, nil
}

// Check returns the findings in one Terraform file, or a parse error.
func Check(src *document.Source, h *detectors.Hasher, t *workload.Table, o Options) ([]detectors.Finding, error) {
	body, err := parse(src)
	if err != nil {
		return nil, err
	}
	c := &checker{src: src, h: h, table: t, opts: o}
	rotated, anyRotation := RotatedSecrets(body)
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 {
			continue
		}
		typ, name := b.Labels[0], b.Labels[1]
		addr := typ + "." + name
		switch {
		case typ == "aws_iam_access_key":
			c.block(CheckIAMAccessKey, b, addr, "aws-access-key", true,
				fmt.Sprintf("%s mints a long-lived IAM user access key whose secret lands in Terraform state; give the workload an IAM role instead (OIDC federation for CI, IRSA or EKS Pod Identity, an instance profile)", addr))
		case typ == "google_service_account_key":
			c.block(CheckGCPKey, b, addr, "gcp-service-account-key", true,
				fmt.Sprintf("%s mints a service account key that does not expire by default; use workload identity federation or an attached service account, or cap key lifetime with the iam.serviceAccountKeyExpiryHours policy and rotate", addr))
		case typ == "azuread_application_password" || typ == "azuread_service_principal_password":
			if !has(b.Body, "end_date", "end_date_relative", "rotate_when_changed") {
				c.block(CheckAzurePassword, b, addr, "azure-client-secret", true,
					fmt.Sprintf("%s creates a client secret with no end_date and no rotate_when_changed; prefer a federated identity credential or managed identity, else set end_date from a time_rotating resource and rotate_when_changed", addr))
			}
		case typ == "aws_secretsmanager_secret":
			if !anyRotation && !rotated[name] {
				f := c.blockFinding(CheckNoRotation, b, addr, "", false, document.ControlStatic,
					fmt.Sprintf("%s has no aws_secretsmanager_secret_rotation in this file; add rotation (managed rotation or a rotation Lambda) so the secret changes on a schedule", addr))
				f.Properties["moduleDir"] = path.Dir(src.Path)
				f.Properties["resource"] = addr
				c.out = append(c.out, f)
			}
		case dbPasswordAttr[typ] != "":
			c.dbPassword(b, typ, addr)
		case strings.HasPrefix(typ, "vault_"):
			c.vaultTTLs(b.Body, addr, "resource "+addr+" in "+src.Path, 0)
			if typ == "vault_approle_auth_backend_role" {
				c.secretIDTTL(b, addr)
			}
		}
	}
	sortFindings(c.out)
	return c.out, nil
}

// CheckVaultConfig checks a Vault server configuration (HCL) for default
// and maximum lease TTLs beyond the thresholds.
func CheckVaultConfig(src *document.Source, h *detectors.Hasher, t *workload.Table, o Options) ([]detectors.Finding, error) {
	body, err := parse(src)
	if err != nil {
		return nil, err
	}
	c := &checker{src: src, h: h, table: t, opts: o}
	c.vaultTTLs(body, "", "Vault server configuration "+src.Path, 0)
	sortFindings(c.out)
	return c.out, nil
}

// RotatedSecrets returns the names of aws_secretsmanager_secret resources
// that an aws_secretsmanager_secret_rotation in body refers to, and whether
// some rotation refers to something it cannot resolve (then any secret may
// be rotated). A cross-file pass over a module directory can use it.
func RotatedSecrets(body *hclsyntax.Body) (names map[string]bool, unresolved bool) {
	names = map[string]bool{}
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 || b.Labels[0] != "aws_secretsmanager_secret_rotation" {
			continue
		}
		a, ok := b.Body.Attributes["secret_id"]
		if !ok {
			continue
		}
		found := false
		for _, tr := range a.Expr.Variables() {
			parts := traversalNames(tr)
			if len(parts) >= 2 && parts[0] == "aws_secretsmanager_secret" {
				names[parts[1]] = true
				found = true
			}
		}
		if !found {
			unresolved = true
		}
	}
	return names, unresolved
}

var dbPasswordAttr = map[string]string{
	"aws_db_instance":      "password",
	"aws_rds_cluster":      "master_password",
	"aws_docdb_cluster":    "master_password",
	"aws_redshift_cluster": "master_password",
}

var dbManagedAttr = map[string]string{
	"aws_db_instance":      "manage_master_user_password",
	"aws_rds_cluster":      "manage_master_user_password",
	"aws_docdb_cluster":    "manage_master_user_password",
	"aws_redshift_cluster": "manage_master_password",
}

// managedSources are roots of references that read a managed secret.
var managedSources = regexp.MustCompile(`^(?:data\.(?:aws_secretsmanager_|aws_ssm_parameter|vault_|google_secret_manager|azurerm_key_vault_secret)|ephemeral\.)`)

func (c *checker) dbPassword(b *hclsyntax.Block, typ, addr string) {
	a, ok := b.Body.Attributes[dbPasswordAttr[typ]]
	if !ok {
		return
	}
	managed := dbManagedAttr[typ]
	if m, ok := b.Body.Attributes[managed]; ok {
		if v, ok := literalValue(m.Expr); ok && v == "true" {
			return
		}
	}
	pl := c.table.Platform("terraform")
	w := detectors.WorkloadFacts{Kind: pl.Kind, Platform: "terraform", Name: "resource " + addr + " in " + c.src.Path,
		CurrentControl: document.ControlStatic, Federation: false, Credential: addr + "." + a.Name, CredentialKind: "database-password"}
	start, end := c.attrSpan(a)
	if v, ok := literalValue(a.Expr); ok {
		if !literal.IsLiteral(v) {
			return
		}
		f := c.src.Finding(CheckDBPassword, start, end, fmt.Sprintf("%s sets a literal master password; set %s = true so the provider stores it in Secrets Manager and rotates it, or use IAM database authentication", addr, managed), w)
		document.WithSecret(&f, c.h, v, "database-password")
		c.out = append(c.out, f)
		return
	}
	var from []string
	for _, tr := range a.Expr.Variables() {
		ref := strings.Join(traversalNames(tr), ".")
		if managedSources.MatchString(ref) {
			return
		}
		from = append(from, ref)
	}
	if len(from) == 0 {
		return
	}
	c.out = append(c.out, c.src.Finding(CheckDBPassword, start, end, fmt.Sprintf("%s sets a static master password from %s that never rotates; set %s = true so the provider stores it in Secrets Manager and rotates it, or use IAM database authentication", addr, literal.Label(from[0]), managed), w))
}

// ttlAttrs are Vault TTL attributes: true for maximum-type limits.
var ttlAttrs = map[string]bool{
	"ttl": false, "default_ttl": false, "token_ttl": false, "period": false, "token_period": false,
	"default_lease_ttl_seconds": false, "default_lease_ttl": false, "default_sts_ttl": false,
	"max_ttl": true, "token_max_ttl": true, "token_explicit_max_ttl": true, "explicit_max_ttl": true,
	"max_lease_ttl_seconds": true, "max_lease_ttl": true, "max_sts_ttl": true, "secret_id_ttl": true,
}

func (c *checker) vaultTTLs(body *hclsyntax.Body, addr, label string, depth int) {
	if depth > 4 {
		return
	}
	ttlLimit, maxLimit := c.opts.limits()
	names := make([]string, 0, len(body.Attributes))
	for n := range body.Attributes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		isMax, ok := ttlAttrs[n]
		if !ok {
			continue
		}
		a := body.Attributes[n]
		v, ok := literalValue(a.Expr)
		if !ok {
			continue
		}
		d, ok := ParseTTL(v)
		if !ok || d == 0 {
			continue
		}
		limit := ttlLimit
		if isMax {
			limit = maxLimit
		}
		if d <= limit {
			continue
		}
		kind := ""
		if strings.HasPrefix(n, "token_") || n == "period" || n == "explicit_max_ttl" {
			kind = "vault-token"
		}
		cred := addr
		if cred == "" {
			cred = "vault server config"
		}
		pl := c.table.Platform("vault")
		w := detectors.WorkloadFacts{Kind: pl.Kind, Platform: "vault", Name: label, CurrentControl: document.ControlDynamic,
			Federation: pl.Federation, Credential: cred, CredentialKind: kind}
		start, end := c.attrSpan(a)
		what := label
		if addr != "" {
			what = addr
		}
		c.out = append(c.out, c.src.Finding(CheckVaultTTL, start, end, fmt.Sprintf("%s sets %s to %s, beyond %s; issue short-lived credentials (minutes to hours) and renew them with Vault Agent instead of long leases", what, n, human(d), human(limit)), w))
	}
	for _, b := range body.Blocks {
		c.vaultTTLs(b.Body, addr, label, depth+1)
	}
}

func (c *checker) secretIDTTL(b *hclsyntax.Block, addr string) {
	pl := c.table.Platform("vault")
	w := detectors.WorkloadFacts{Kind: pl.Kind, Platform: "vault", Name: "resource " + addr + " in " + c.src.Path,
		CurrentControl: document.ControlStatic, Federation: pl.Federation, Credential: addr + ".secret_id"}
	a, ok := b.Body.Attributes["secret_id_ttl"]
	if !ok {
		r := b.DefRange()
		c.out = append(c.out, c.src.Finding(CheckSecretIDForever, r.Start.Byte, r.End.Byte, fmt.Sprintf("%s sets no secret_id_ttl, so its SecretIDs never expire; set secret_id_ttl (and secret_id_num_uses) so each SecretID is short-lived, delivered by response wrapping", addr), w))
		return
	}
	v, ok := literalValue(a.Expr)
	if !ok {
		return
	}
	if d, ok := ParseTTL(v); ok && d == 0 {
		start, end := c.attrSpan(a)
		c.out = append(c.out, c.src.Finding(CheckSecretIDForever, start, end, fmt.Sprintf("%s sets secret_id_ttl = 0, so its SecretIDs never expire; set a short secret_id_ttl (and secret_id_num_uses) and deliver SecretIDs by response wrapping", addr), w))
	}
}

func (c *checker) blockFinding(check string, b *hclsyntax.Block, addr, kind string, federation bool, control, msg string) detectors.Finding {
	pl := c.table.Platform("terraform")
	w := detectors.WorkloadFacts{Kind: pl.Kind, Platform: "terraform", Name: "resource " + addr + " in " + c.src.Path,
		CurrentControl: control, Federation: federation, Credential: addr, CredentialKind: kind}
	r := b.DefRange()
	return c.src.Finding(check, r.Start.Byte, r.End.Byte, msg, w)
}

func (c *checker) block(check string, b *hclsyntax.Block, addr, kind string, federation bool, msg string) {
	c.out = append(c.out, c.blockFinding(check, b, addr, kind, federation, document.ControlStatic, msg))
}

// attrSpan is the attribute's range, cut at the end of its first line.
func (c *checker) attrSpan(a *hclsyntax.Attribute) (int, int) {
	start, end := a.SrcRange.Start.Byte, a.SrcRange.End.Byte
	if a.SrcRange.End.Line != a.SrcRange.Start.Line {
		end = c.src.LineEnd(a.SrcRange.Start.Line, start)
	}
	return start, end
}

func has(body *hclsyntax.Body, names ...string) bool {
	for _, n := range names {
		if _, ok := body.Attributes[n]; ok {
			return true
		}
	}
	return false
}

// literalValue evaluates an expression with no references or function
// calls to a string (numbers and bools in their HCL spelling).
func literalValue(e hclsyntax.Expression) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	if len(e.Variables()) > 0 {
		return "", false
	}
	switch e.(type) {
	case *hclsyntax.LiteralValueExpr, *hclsyntax.TemplateExpr, *hclsyntax.TemplateWrapExpr:
	default:
		return "", false
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true
	case cty.Number:
		return v.AsBigFloat().Text('f', -1), true
	case cty.Bool:
		return strconv.FormatBool(v.True()), true
	}
	return "", false
}

func traversalNames(tr hcl.Traversal) []string {
	var out []string
	for _, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			out = append(out, s.Name)
		case hcl.TraverseAttr:
			out = append(out, s.Name)
		}
	}
	return out
}

var ttlUnit = regexp.MustCompile(`^(\d+(?:\.\d+)?)([smhd]?)$`)

// ParseTTL reads a Vault duration: seconds ("3600", 3600) or a duration
// with s, m, h or d units ("768h", "30d", "1h30m").
func ParseTTL(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n < 0 || n > 1e12 {
			return 0, false
		}
		return time.Duration(n * float64(time.Second)), true
	}
	total := time.Duration(0)
	rest := v
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 || i >= len(rest) {
			return 0, false
		}
		m := ttlUnit.FindStringSubmatch(rest[:i+1])
		if m == nil {
			return 0, false
		}
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil || n > 1e9 {
			return 0, false
		}
		unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
		total += time.Duration(n * float64(unit))
		rest = rest[i+1:]
	}
	return total, true
}

func human(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}

func sortFindings(fs []detectors.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Location, fs[j].Location
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.StartColumn < b.StartColumn
	})
}
