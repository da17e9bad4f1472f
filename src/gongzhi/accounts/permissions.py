"""Who may do what with accounts, checked at the territory path of the record acted on (a
membership on a node covers its subtree)."""

from gongzhi.core.scoping import has_perm_at

# Linking an account to a resident, creating a resident's account, unlinking it and reading a
# pending one-time code out at the counter: whoever may change that resident's registry record
# (grid worker, community staff, town) on the resident's grid.
LINK_RESIDENT = "registry.change_resident"


def can_link(user, resident) -> bool:
    return has_perm_at(user, LINK_RESIDENT, resident.grid.path)
