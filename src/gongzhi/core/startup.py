"""Checks made while the settings load, before Django is set up (so: no Django imports that
need settings). A server that cannot be run safely refuses to start, with the reason."""

from django.core.exceptions import ImproperlyConfigured

# Host names that only reach a server on this machine (and Django's test client).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]", "testserver"})


def local_only(allowed_hosts) -> bool:
    """Whether the server answers only for names of this machine (ALLOWED_HOSTS)."""
    return all(host.strip() in LOOPBACK_HOSTS for host in allowed_hosts if host.strip())


def refuse_development_key(secret_key, debug, allowed_hosts, development_key):
    """Refuse the built-in development SECRET_KEY when DEBUG is off and the server is meant
    to be reached from other machines (ALLOWED_HOSTS names anything but this machine):
    anyone who has the source could forge its sessions and signed links. `make run`, the
    test suite and a local `gongzhi runserver` keep working; a deployment must set
    GONGZHI_SECRET_KEY. `gongzhi check --deploy` reports the key as an error anywhere."""
    if secret_key == development_key and not debug and not local_only(allowed_hosts):
        raise ImproperlyConfigured(
            "GONGZHI_ALLOWED_HOSTS 允许本机以外的访问，却仍在使用内置的开发用 SECRET_KEY，拒绝启动。"
            "请设置 GONGZHI_SECRET_KEY（如 python -c 'import secrets; print(secrets.token_urlsafe(50))' 生成），"
            "详见 docs/admin.md“安全设置”。"
        )
