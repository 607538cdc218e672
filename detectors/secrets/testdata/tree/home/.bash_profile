export PATH=$PATH:/usr/local/bin
export RDS_HOST='billing.cluster-1.eu-west-1.rds.amazonaws.com'
export RDS_PASSWORD='{{gen:password}}'  # want: secret/config-password
export PGPASSWORD="$RDS_PASSWORD"
