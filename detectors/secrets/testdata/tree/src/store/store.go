package store

import (
	"database/sql"
	"fmt"
	"os"
)

const ordersDSN = "orders:{{gen:password}}@tcp(mysql.acme.internal:3306)/orders?parseTime=true" // want: secret/mysql-dsn-password

var legacy = "host=db.acme.internal port=5432 user=ledger password={{gen:password}} dbname=ledger sslmode=require" // want: secret/libpq-dsn-password

func open() (*sql.DB, error) {
	dsn := fmt.Sprintf("%s:%s@tcp(%s)/%s", os.Getenv("DB_USER"), os.Getenv("DB_PASS"), os.Getenv("DB_HOST"), "orders")
	pg := fmt.Sprintf("host=%s user=%s password=%s dbname=%s", "db", "app", os.Getenv("PGPASSWORD"), "app")
	_ = pg
	return sql.Open("mysql", dsn)
}

// An example from libpq's documentation: "host=localhost dbname=publishing user=www password=foo"
