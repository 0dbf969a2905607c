"""Who may run a room's host console: the brand's admins, the platform, the host guide and the host store's manager.

Pure: the signed-in user and the room in, a yes or no out; the console's views ask before anything else.
"""
from mall.accounts.models import Role


def can_host(user, room) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.PLATFORM_ADMIN:
        return True
    if user.brand_id != room.brand_id:
        return False
    if user.role == Role.BRAND_ADMIN:
        return True
    if room.host_user_id is not None and user.id == room.host_user_id:
        return True
    return user.role == Role.STORE_MANAGER and room.host_store_id is not None and user.store_id == room.host_store_id
