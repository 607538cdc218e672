resource "vault_approle_auth_backend_role" "ci" { # want: config/vault-secret-id-no-expiry platform=vault credential=vault_approle_auth_backend_role.ci.secret_id
  backend        = vault_auth_backend.approle.path
  role_name      = "ci"
  token_policies = ["deploy"]
  token_ttl      = 3600
  token_max_ttl  = "720h" # want: config/vault-long-ttl ckind=vault-token control=dynamic-secret
}

resource "vault_approle_auth_backend_role" "batch" {
  backend       = vault_auth_backend.approle.path
  role_name     = "batch"
  secret_id_ttl = 0 # want: config/vault-secret-id-no-expiry
}

resource "vault_database_secret_backend_role" "app" {
  backend     = vault_mount.db.path
  name        = "app"
  db_name     = "postgres"
  default_ttl = 604800 # want: config/vault-long-ttl
  max_ttl     = 2592000 # want: config/vault-long-ttl
  creation_statements = [
    "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
  ]
}

resource "vault_auth_backend" "kubernetes" {
  type = "kubernetes"
  tune {
    default_lease_ttl = "30d" # want: config/vault-long-ttl
    max_lease_ttl     = "48h"
  }
}
