"""Every write of the registry: status changes, the use of licences (用证), verification, import, reminders."""
