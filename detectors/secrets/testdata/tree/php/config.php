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

$db['default']['hostname'] = 'localhost';
$db['default']['password'] = '{{gen:password}}'; // want: secret/php-password
$config['smtp_pass'] = "{{gen:password}}"; // want: secret/php-password
$config['smtp_pass'] = getenv('SMTP_PASS');
$config['encryption_key'] = '';
