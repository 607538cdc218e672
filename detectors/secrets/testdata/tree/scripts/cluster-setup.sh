#!/bin/sh
# Brings up the staging cluster's dependencies.
kubectl create secret generic db-creds --from-literal=username=app --from-literal=password={{gen:password}}  # want: secret/kubectl-literal-secret
kubectl create secret generic api --from-literal=API_TOKEN="$API_TOKEN"
helm upgrade --install db bitnami/postgresql --set auth.postgresPassword={{gen:password}} --set auth.database=app  # want: secret/helm-set-secret
helm upgrade --install cache bitnami/redis --set auth.enabled=true,auth.password={{gen:password}}  # want: secret/helm-set-secret
helm upgrade --install mq bitnami/rabbitmq --set auth.password="$RABBIT_PASSWORD"
az login --service-principal -u 5f1c2a3b-4d5e-6f70-8192-a3b4c5d6e7f8 -p {{gen:password}} --tenant acme.onmicrosoft.com  # want: secret/azure-cli-login-secret
az login --service-principal -u "$ARM_CLIENT_ID" -p "$ARM_CLIENT_SECRET" --tenant "$ARM_TENANT_ID"
docker run -d -e POSTGRES_PASSWORD={{gen:password}} -p 5432:5432 postgres:16  # want: secret/container-env-secret
docker run -d --env MYSQL_ROOT_PASSWORD="{{gen:password}}" mysql:8  # want: secret/container-env-secret
docker run -d -e POSTGRES_PASSWORD -e POSTGRES_USER=app postgres:16
