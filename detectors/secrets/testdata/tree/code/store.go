package store

import "github.com/go-sql-driver/mysql"

const dbPassword = "{{gen:password}}" // want: secret/code-password

var cfg = mysql.Config{
	User:   "orders",
	Passwd: "{{gen:password}}", // want: secret/code-password
	Net:    "tcp",
	Addr:   "db.acme.internal:3306",
}

// Not passwords: the name of the variable holding one, a flag's usage.
const passwordEnv = "ORDERS_DB_PASSWORD"

var passwordFlag = flag.String("password", "", "database password")

func check(password string) bool { return password == "" }
