ui = true

storage "raft" {
  path = "/vault/data"
}

listener "tcp" {
  address = "0.0.0.0:8200"
}

default_lease_ttl = "168h" # want: config/vault-long-ttl platform=vault credential="vault server config" name="Vault server configuration vault/server.hcl"
max_lease_ttl     = "8760h" # want: config/vault-long-ttl
