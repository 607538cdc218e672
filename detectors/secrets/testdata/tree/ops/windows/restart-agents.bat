@echo off
rem Restarts the agents on the build hosts.
psexec \\10.0.0.5 -u CORP\svc_deploy -p {{gen:password}} -accepteula cmd /c "net stop agent && net start agent"
psexec \\%HOST% -u %USER% -p %PASSWORD% cmd /c ipconfig
psexec \\buildhost -u builder -p password cmd /c ipconfig
