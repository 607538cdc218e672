#!/bin/sh
# Day-two chores for the ops team.
sshpass -p '{{gen:password}}' ssh deploy@web1.acme.internal 'systemctl restart app'  # want: secret/sshpass-password
sshpass -p{{gen:password}} scp app.tar.gz deploy@web2.acme.internal:/tmp/  # want: secret/sshpass-password
sshpass -e ssh deploy@web3.acme.internal uptime
PGPASSWORD={{gen:password}} psql -h db.acme.internal -U app -c 'select 1'  # want: secret/database-password-env
PGPASSWORD="$DB_PASSWORD" pg_dump -h db.acme.internal app > app.sql
export MYSQL_PWD='{{gen:password}}'  # want: secret/database-password-env
redis-cli -h cache.acme.internal -a {{gen:password}} ping  # want: secret/redis-cli-password
redis-cli -h cache.acme.internal -a "$REDIS_PASSWORD" ping
openssl pkcs12 -export -in cert.pem -inkey key.pem -out app.p12 -passout pass:{{gen:password}}  # want: secret/openssl-pass-argument
openssl rsa -in key.pem -passin env:KEY_PASS -out plain.pem
keytool -importkeystore -srckeystore app.p12 -srcstorepass {{gen:password}} -destkeystore app.jks  # want: secret/java-keystore-password
jarsigner -keystore app.jks -storepass:env STORE_PASS app.apk release
mongosh "mongodb://db.acme.internal" -u admin -p {{gen:password}}  # want: secret/mongo-cli-password
mongodump --uri "$MONGO_URI" --out /backup
ldapsearch -x -D "cn=admin,dc=acme,dc=internal" -w {{gen:password}} -b dc=acme,dc=internal  # want: secret/ldap-bind-password
ldapsearch -x -D "cn=admin,dc=acme,dc=internal" -W -b dc=acme,dc=internal
