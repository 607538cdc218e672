import ftplib
import smtplib

import psycopg2


def connect():
    return psycopg2.connect(
        host="warehouse.acme.internal",
        user="etl",
        password="{{gen:password}}",  # want: secret/code-password
    )


def upload(path):
    ftp = ftplib.FTP("ftp.partner.example.net")
    ftp.login("acme-upload", "{{gen:password}}")  # want: secret/code-basic-auth-password
    with open(path, "rb") as f:
        ftp.storbinary("STOR " + path, f)


def alert(msg):
    server = smtplib.SMTP_SSL("smtp.acme.io", 465)
    server.login("alerts@acme.io", "{{gen:password}}")  # want: secret/code-basic-auth-password
    server.sendmail("alerts@acme.io", ["ops@acme.io"], msg)


def from_env(cfg):
    # What code does with password-named things that are not passwords.
    password = cfg.get("password")
    db_password: str = os.environ["DB_PASSWORD"]
    login(username="alice", password=getpass.getpass())
    password_field = "password"
    PASSWORD_ENV = "WAREHOUSE_DB_PASSWORD"
    password_hash = "$2b$12$" + "a" * 53
    pwd = "/var/lib/etl"
    password = "%s:%s" % (user, host)
    return password
