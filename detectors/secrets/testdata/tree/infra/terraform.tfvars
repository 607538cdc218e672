region         = "eu-west-1"
environment    = "prod"
db_password    = "{{gen:password}}"  # want: secret/config-password
admin_password = "Tf-Adm1n-Passw0rd"  # want: secret/config-password=Tf-Adm1n-Passw0rd
github_token   = "{{gen:github-pat}}"  # want: secret/github-pat
db_password_secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db"
