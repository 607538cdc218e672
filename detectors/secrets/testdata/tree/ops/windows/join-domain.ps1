$user = "CORP\svc-join"
$pass = ConvertTo-SecureString "{{gen:password}}" -AsPlainText -Force  # want: secret/powershell-plaintext-password
$cred = New-Object System.Management.Automation.PSCredential($user, $pass)
$key = ConvertTo-SecureString -AsPlainText -Force -String '{{gen:password}}'  # want: secret/powershell-plaintext-password
$safe = ConvertTo-SecureString $env:JOIN_PASSWORD -AsPlainText -Force
$fromVault = ConvertTo-SecureString "$secret" -AsPlainText -Force
