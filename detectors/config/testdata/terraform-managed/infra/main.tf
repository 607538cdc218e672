# The managed form of terraform-static: nothing here may be reported.
data "aws_iam_policy_document" "github_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
  }
}

resource "aws_iam_role" "ci" {
  name               = "ci-deployer"
  assume_role_policy = data.aws_iam_policy_document.github_trust.json
}

resource "time_rotating" "app" {
  rotation_days = 90
}

resource "azuread_application_password" "app" {
  application_id      = azuread_application.app.id
  end_date            = timeadd(time_rotating.app.id, "2160h")
  rotate_when_changed = { rotation = time_rotating.app.id }
}

resource "azuread_application_federated_identity_credential" "gha" {
  application_id = azuread_application.app.id
  display_name   = "github"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:acme/app:environment:prod"
}

resource "aws_secretsmanager_secret" "api" {
  name = "prod/api-key"
}

resource "aws_secretsmanager_secret_rotation" "api" {
  secret_id           = aws_secretsmanager_secret.api.id
  rotation_lambda_arn = aws_lambda_function.rotate.arn
  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_db_instance" "main" {
  identifier                  = "main"
  engine                      = "postgres"
  instance_class              = "db.t4g.micro"
  username                    = "app"
  manage_master_user_password = true
}

resource "aws_rds_cluster" "analytics" {
  engine          = "aurora-postgresql"
  master_username = "admin"
  master_password = data.aws_secretsmanager_secret_version.analytics.secret_string
}

resource "vault_approle_auth_backend_role" "ci" {
  backend            = vault_auth_backend.approle.path
  role_name          = "ci"
  token_ttl          = 900
  token_max_ttl      = "1h"
  secret_id_ttl      = "10m"
  secret_id_num_uses = 1
}

resource "vault_database_secret_backend_role" "app" {
  backend     = vault_mount.db.path
  name        = "app"
  db_name     = "postgres"
  default_ttl = 3600
  max_ttl     = "24h"
}
