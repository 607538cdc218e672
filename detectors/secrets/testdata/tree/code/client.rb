require "net/ftp"

DB = Sequel.connect(adapter: "postgres", host: "db.acme.internal", user: "reports", password: "{{gen:password}}") # want: secret/code-password
LEGACY = { :username => "reports", :password => "{{gen:password}}" } # want: secret/code-password
FROM_ENV = { password: ENV.fetch("REPORTS_PASSWORD") }
