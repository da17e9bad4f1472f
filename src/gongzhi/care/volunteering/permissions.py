"""Permission strings of volunteering, checked at the territory path of the record: a
volunteer's at their resident's grid, a team's and an activity's at their node."""

VIEW_VOLUNTEER = "care.view_volunteer"
REGISTER = "care.add_volunteer"
CHANGE_VOLUNTEER = "care.change_volunteer"
VIEW_HEALTH = "care.view_volunteer_health"
EXPORT = "care.export_volunteer"
VIEW_TEAM = "care.view_volunteerteam"
MANAGE_TEAM = "care.add_volunteerteam"
MANAGE_SKILL = "care.add_skill"
VIEW_ACTIVITY = "care.view_activity"
ORGANISE = "care.add_activity"
CONFIRM_HOURS = "care.confirm_hours"

# What each seeded role holds (added to care's ROLE_PERMISSIONS in care/apps.py).
ROLE_PERMISSIONS = {
    "town": [
        "view_volunteer",
        "add_volunteer",
        "change_volunteer",
        "export_volunteer",
        "view_volunteerteam",
        "add_volunteerteam",
        "change_volunteerteam",
        "view_skill",
        "add_skill",
        "change_skill",
        "view_activity",
        "add_activity",
        "change_activity",
        "confirm_hours",
    ],
    "community": [
        "view_volunteer",
        "add_volunteer",
        "change_volunteer",
        "view_volunteer_health",
        "export_volunteer",
        "view_volunteerteam",
        "add_volunteerteam",
        "change_volunteerteam",
        "view_skill",
        "view_activity",
        "add_activity",
        "change_activity",
        "confirm_hours",
    ],
    "grid": ["view_volunteer", "view_volunteerteam", "view_activity"],
    "supervisor": ["view_volunteer", "view_volunteerteam", "view_activity"],
    # A linked resident holds these on their own community (accounts/scoping.py): they see its
    # activities and teams, and sign themselves up when registered as a volunteer.
    "resident": ["view_activity", "view_volunteerteam"],
}
