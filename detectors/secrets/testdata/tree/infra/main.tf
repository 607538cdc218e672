resource "azurerm_mssql_server" "ledger" {
  name                         = "acme-ledger"
  administrator_login          = "ledgeradmin"
  administrator_login_password = "{{gen:word-pass}}" # want: secret/hashicorp-tf-password
}

resource "aws_db_instance" "reports" {
  username = "reports"
  password = var.db_password
}
