<?php
    $dbhost = 'db.internal';
    $dbuser = 'app';
    $dbpasswd = '{{gen:password}}'; // want: secret/php-password
    $connection = mysqli_connect($dbhost, $dbuser, $dbpasswd);

return [
    'connections' => [
        'mysql' => [
            'username' => 'app',
            'password' => '{{gen:password}}', // want: secret/php-password
        ],
    ],
];
