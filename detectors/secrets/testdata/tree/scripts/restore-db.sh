#!/usr/bin/env bash
# Restores last night's dump into the reporting replica.
set -euo pipefail

export PGHOST=replica.reports.acme.internal
export REPORTS_DB_PASSWORD="{{gen:password}}"  # want: secret/shell-password-variable
readonly SMTP_PASS='{{gen:password}}'  # want: secret/shell-password-variable
ARCHIVE_PASSPHRASE={{gen:password}} gpg --batch --decrypt dump.sql.gpg > dump.sql  # want: secret/shell-password-variable

# Not passwords: references, prompts, defaults spelled as stand-ins.
export DB_PASSWORD="${DB_PASSWORD:?set DB_PASSWORD}"
ADMIN_PASSWORD=$(vault kv get -field=password secret/reports/admin)
TEST_PASSWORD=testpass123
read -rs -p "Password: " USER_PASSWORD
PWD_BACKUP=$PWD
OLD_PWD=/var/lib/reports
export GIT_ASKPASS=/usr/local/bin/askpass
