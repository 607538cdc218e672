#!/bin/sh
set -eu
mysqldump -u backup -p{{gen:password}} --all-databases > /backup/all.sql  # want: secret/mysql-cli-password
mysql -h db.internal -u root --password="{{gen:password}}" -e "FLUSH LOGS"  # want: secret/mysql-cli-password
mysql -u root -p"$MYSQL_ROOT_PASSWORD" -e "SELECT 1"
mysql -u root -p -e "SELECT 1"
mysql -u root -P 3306 -e "SELECT 1"
