<?php
$link = mysqli_connect("db.acme.internal", "shop", "{{gen:password}}", "shop"); // want: secret/db-connect-password
$pdo = new PDO('mysql:host=db.acme.internal;dbname=shop', 'shop', '{{gen:password}}'); // want: secret/db-connect-password
$dev = new mysqli("localhost", "root", "", "shop");
$env = new PDO($dsn, $user, getenv('DB_PASSWORD'));
