#!/bin/sh
# Opens the vault after a restart (three of five shares).
vault operator unseal {{gen:vault-unseal-share}}  # want: secret/vault-unseal-key
vault operator unseal -address=https://vault.internal:8200 {{gen:vault-unseal-share}}  # want: secret/vault-unseal-key
kubectl -n vault exec -ti vault-0 -- vault operator unseal {{gen:vault-unseal-share}}  # want: secret/vault-unseal-key
vault operator unseal {{gen:vault-unseal-key}}  # want: secret/vault-unseal-key
vault operator unseal "$UNSEAL_KEY_3"
