"""Permission strings of the service hall, checked at the territory path of the record: an
item at the node that offers it, an enquiry and an errand at the hall (node) that received
them. The catalogue itself is public (no personal data), so reading items needs no right."""

VIEW_ITEM = "services.view_serviceitem"
ADD_ITEM = "services.add_serviceitem"
CHANGE_ITEM = "services.change_serviceitem"
VIEW_ENQUIRY = "services.view_enquiry"
LOG_ENQUIRY = "services.add_enquiry"
HANDLE_ENQUIRY = "services.change_enquiry"
VIEW_ERRAND = "services.view_errand"
OPEN_ERRAND = "services.add_errand"
STEP_ERRAND = "services.change_errand"
EXPORT = "services.export_hall"

# What each seeded role holds (services/apps.py adds them after accounts seeded the roles).
ROLE_PERMISSIONS = {
    "town": [
        "view_serviceitem",
        "add_serviceitem",
        "change_serviceitem",
        "view_enquiry",
        "add_enquiry",
        "change_enquiry",
        "view_errand",
        "add_errand",
        "change_errand",
        "export_hall",
    ],
    "community": [
        "view_serviceitem",
        "add_serviceitem",
        "change_serviceitem",
        "view_enquiry",
        "add_enquiry",
        "change_enquiry",
        "view_errand",
        "add_errand",
        "change_errand",
        "export_hall",
    ],
    # A grid worker takes calls and visits too (首问负责) and sees the 代办 of her area.
    "grid": ["view_serviceitem", "view_enquiry", "add_enquiry", "change_enquiry", "view_errand"],
    "supervisor": ["view_serviceitem", "view_enquiry", "view_errand"],
}
