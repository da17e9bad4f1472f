"""Permission strings of the care app, one constant each, checked at the territory path of
the record (a membership on a node covers its subtree)."""

VIEW_PLAN = "care.view_planitem"
CONDUCT_VISIT = "care.conduct_visit"
VIEW_VISIT = "care.view_visit"
VIEW_COMPLETION = "care.view_completion"
EXPORT_COMPLETION = "care.export_completion"
ASSIGN_CARER = "care.add_carer"
CHANGE_GROUP = "care.change_caregroup"
