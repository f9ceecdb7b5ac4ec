"""What happens in the registry, announced after commit for the apps above (the big screen's 今日用证次数):

- license_status_changed   a licence was suspended, revoked, cancelled or made valid again (license_id, status)
- license_used             a licence was used (用证), granted (center_id, department_id; either may be None)
"""

from hall.events import Event

license_status_changed = Event("license_status_changed")
license_used = Event("license_used")
