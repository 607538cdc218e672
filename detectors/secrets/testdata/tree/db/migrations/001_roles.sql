-- Roles for the reporting service
CREATE ROLE reporting LOGIN PASSWORD '{{gen:password}}'; -- want: secret/sql-password
CREATE USER etl WITH ENCRYPTED PASSWORD '{{gen:password}}' CREATEDB; -- want: secret/sql-password
ALTER LOGIN svc_reports WITH PASSWORD = '{{gen:password}}'; -- want: secret/sql-password
CREATE USER 'app'@'%' IDENTIFIED WITH mysql_native_password BY '{{gen:password}}'; -- want: secret/sql-password
SET PASSWORD FOR 'legacy'@'localhost' = PASSWORD('{{gen:password}}'); -- want: secret/sql-password
CREATE USER reader WITH PASSWORD :reader_password;
CREATE USER writer WITH PASSWORD '${WRITER_PASSWORD}';
ALTER USER admin IDENTIFIED BY '?';
