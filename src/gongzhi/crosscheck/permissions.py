"""Permission strings of delivered cross-check findings, checked at the finding's node: the
grid of the resident it was matched to, or the town when no resident of the town matched.
Delivering (the province's job posting findings with a town's token) is a right of its own,
held by a role that can read nothing (跨镇比对投递)."""

VIEW = "crosscheck.view_finding"
DELIVER = "crosscheck.add_finding"
HANDLE = "crosscheck.change_finding"
EXPORT = "crosscheck.export_findings"

DELIVERY_ROLE = "crosscheck_delivery"

# What each seeded role holds (crosscheck/apps.py adds them after accounts seeded the roles).
ROLE_PERMISSIONS = {
    "town": ["view_finding", "change_finding", "export_findings"],
    "community": ["view_finding", "change_finding", "export_findings"],
    # A grid worker verifies on the spot (she knows whether the person lives there).
    "grid": ["view_finding", "change_finding"],
    "supervisor": ["view_finding"],
    DELIVERY_ROLE: ["add_finding"],
}
