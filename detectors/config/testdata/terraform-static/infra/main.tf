resource "aws_iam_user" "ci" {
  name = "ci-deployer"
}

resource "aws_iam_access_key" "ci" { # want: config/tf-aws-iam-access-key kind=persistent platform=terraform credential=aws_iam_access_key.ci ckind=aws-access-key federation=true
  user = aws_iam_user.ci.name
}

resource "google_service_account_key" "ci" { # want: config/tf-gcp-service-account-key ckind=gcp-service-account-key
  service_account_id = google_service_account.ci.name
}

resource "azuread_application_password" "app" { # want: config/tf-azuread-password-no-expiry ckind=azure-client-secret
  application_id = azuread_application.app.id
  display_name   = "ci"
}

resource "aws_secretsmanager_secret" "api" { # want: config/tf-secret-without-rotation credential=aws_secretsmanager_secret.api
  name = "prod/api-key"
}

resource "aws_db_instance" "main" {
  identifier     = "main"
  engine         = "postgres"
  instance_class = "db.t4g.micro"
  username       = "app"
  password       = "FAKEpgMasterPassw0rd2024" # want: config/tf-db-static-password credential=aws_db_instance.main.password ckind=database-password control=static-secret
}

resource "aws_rds_cluster" "analytics" {
  engine          = "aurora-postgresql"
  master_username = "admin"
  master_password = var.analytics_db_password # want: config/tf-db-static-password
}
