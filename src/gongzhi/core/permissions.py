"""Permission strings of core's own models (the audit log), checked at the territory path of the
record. Core names only its own permissions: it imports no app."""

VIEW_AUDITENTRY = "core.view_auditentry"
