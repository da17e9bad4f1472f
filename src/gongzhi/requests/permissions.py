"""Permission strings of service requests and the questions views ask before calling a service.
Each is checked at the territory path of the request (a membership covers its subtree); the
handling organisation's actions also require the user to belong to the assigned organisation
(checked by `cases.workflow`)."""

from gongzhi.core.scoping import has_perm_at
from gongzhi.registry import permissions as registry_perms

VIEW = "servicerequests.view_servicerequest"
VIEW_ASSIGNED = "servicerequests.view_assigned"
FILE = "servicerequests.add_servicerequest"
DISPATCH = "servicerequests.dispatch_servicerequest"
HANDLE = "servicerequests.handle_servicerequest"
SUPERVISE = "servicerequests.supervise_servicerequest"
VISIT = "servicerequests.visit_servicerequest"
CONTACT = "servicerequests.contact_requester"
MANAGE_CATEGORIES = "servicerequests.change_category"
STATS = "servicerequests.view_servicerequest"
UNMASK = registry_perms.UNMASK_PII


def can_file_at(user, node) -> bool:
    """May `user` register a request at `node` (desk, hotline, grid worker; not the public page)?"""
    return has_perm_at(user, FILE, node.path)
