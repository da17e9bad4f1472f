"""Permission strings of the notices app, checked at the territory path of the notice (a
membership on a node covers its subtree)."""

VIEW = "notices.view_notice"
ADD = "notices.add_notice"
CHANGE = "notices.change_notice"
PUBLISH = "notices.publish_notice"
SEND = "notices.send_notice"
TELL = "notices.tell_notice"
