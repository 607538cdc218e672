# Nightly snapshot cleanup on the lab vCenter.
Connect-VIServer -Server vc01.corp.example -User administrator@vsphere.local -Password '{{gen:password}}'  # want: secret/powershell-password-parameter
Invoke-Sqlcmd -ServerInstance db01 -Username sa -Password "{{gen:password}}" -Query "SELECT 1"  # want: secret/powershell-password-parameter
Connect-VIServer -Server vc01.corp.example -User $user -Password $pass
New-LocalUser -Name "svc-backup" -Password (ConvertTo-SecureString $plain -AsPlainText -Force)
Connect-VIServer -Server vc01.corp.example -User admin -Password "<your password>"
