# Lets the az devops extension call the organisation's API.
$env:AZURE_DEVOPS_EXT_PAT = "{{gen:azure-devops-pat}}"  # want: secret/azure-devops-pat
az devops configure --defaults organization=https://dev.azure.com/contoso
$env:AZURE_DEVOPS_EXT_PAT = "{{gen:ado-pat-legacy}}"  # want: secret/azure-devops-pat
